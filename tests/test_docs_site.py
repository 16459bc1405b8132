"""The documentation site (mkdocs.yml) keeps up with the code: every public name has an entry
in the API reference, and every page of docs/ is in the navigation. The site itself is built
with ``mkdocs build --strict`` by .ci/run (broken links and references fail there)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import automl_core
import automl_core.testing

REPO = Path(__file__).resolve().parent.parent
API_PAGE = REPO / "docs" / "reference" / "api.md"
TESTING_PAGE = REPO / "docs" / "reference" / "testing.md"


def _nav_pages(entries) -> set[str]:
    pages: set[str] = set()
    for entry in entries:
        for value in entry.values() if isinstance(entry, dict) else [entry]:
            pages |= _nav_pages(value) if isinstance(value, list) else {value}
    return pages


@pytest.mark.parametrize("name", sorted(automl_core.__all__))
def test_every_public_name_is_in_the_api_reference(name):
    text = API_PAGE.read_text(encoding="utf-8")
    directive = re.search(rf"^::: automl_core(\.\w+)*\.{re.escape(name)}$", text, flags=re.M)
    assert directive or f"`{name}`" in text, f"docs/reference/api.md has no entry for automl_core.{name}"


def test_the_api_reference_names_only_public_names():
    text = API_PAGE.read_text(encoding="utf-8")
    documented = re.findall(r"^::: automl_core[\w.]*\.(\w+)$", text, flags=re.M)
    assert documented and not set(documented) - set(automl_core.__all__)


def test_the_testing_reference_documents_the_module():
    assert "::: automl_core.testing" in TESTING_PAGE.read_text(encoding="utf-8")
    assert automl_core.testing.__all__


def test_every_page_of_the_docs_is_in_the_navigation():
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    in_nav = _nav_pages(config["nav"])
    pages = {p.relative_to(REPO / "docs").as_posix() for p in (REPO / "docs").rglob("*.md")}
    assert not pages - in_nav, f"pages missing from mkdocs.yml's nav: {sorted(pages - in_nav)}"
    assert not in_nav - pages, f"mkdocs.yml's nav names pages that do not exist: {sorted(in_nav - pages)}"
