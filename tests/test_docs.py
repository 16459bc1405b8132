"""The documentation keeps up with the code: every hook documented and tested, every public
name documented, every code example at least valid Python, every link between pages alive."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import automl_core
from automl_core import hookspecs

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
HOOKS_PAGE = DOCS / "hooks.md"
#: The pages whose examples and links this test checks (other pages have owners of their own).
CHECKED_PAGES = ("index.md", "user-guide.md", "hooks.md", "writing-plugins.md", "architecture.md")
#: Where tests live: the core's, each plugin's and each example plugin's.
TEST_DIRS = ("tests", "plugins/*/tests", "examples/*/tests")

FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.M | re.S)
INLINE_CODE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def hook_specs() -> dict[str, object]:
    """The hook specifications: the functions of ``hookspecs`` carrying pluggy's spec marker."""
    marker = f"{hookspecs.PROJECT}_spec"
    return {name: fn for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(fn, marker)}


HOOKS = sorted(hook_specs())


def hook_sections() -> dict[str, str]:
    """``## <name>`` heading to the text of its section (up to the next heading)."""
    text = FENCE.sub("", HOOKS_PAGE.read_text(encoding="utf-8"))  # a "# comment" is no heading
    parts = re.split(r"^(#{1,2} .*)$", text, flags=re.M)
    return {heading[3:].strip(): body for heading, body in zip(parts[1::2], parts[2::2]) if heading.startswith("## ")}


def code_of(text: str) -> str:
    """The code of a markdown page: fenced blocks and inline code spans."""
    fenced = [body for _, body in FENCE.findall(text)]
    inline = INLINE_CODE.findall(FENCE.sub("", text))
    return "\n".join(fenced + inline)


def python_blocks(page: str) -> list[tuple[str, str]]:
    """``(heading, code)`` of each python block of a page."""
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = []
    for match in FENCE.finditer(text):
        if match.group(1) == "python":
            headings = re.findall(r"^#+ (.*)$", FENCE.sub("", text[: match.start()]), flags=re.M)
            blocks.append((headings[-1] if headings else "(top)", match.group(2)))
    return blocks


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_hooks_are_found():
    # If pluggy's marker attribute changed, every check below would pass vacuously.
    assert len(HOOKS) >= 10 and "register_model_families" in HOOKS and "load_data" in HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_section_in_the_hook_reference(hook):
    sections = hook_sections()
    assert hook in sections, f"docs/hooks.md has no '## {hook}' heading"
    version = re.search(r"versionadded::\s*(\S+)", inspect.getdoc(hook_specs()[hook]) or "")
    assert version, f"the docstring of hook {hook} has no '.. versionadded::' note"
    assert f"Added in {version.group(1)}" in sections[hook], (
        f"the section of {hook} in docs/hooks.md does not say 'Added in {version.group(1)}'"
    )


def test_the_hook_reference_documents_no_hook_that_does_not_exist():
    documented = {h for h in hook_sections() if re.fullmatch(r"[a-z_]+", h)}
    stale = sorted(documented - set(HOOKS))
    assert not stale, f"docs/hooks.md documents hooks that hookspecs.py does not have: {stale}"


def _test_files() -> list[Path]:
    files = [f for pattern in TEST_DIRS for d in REPO.glob(pattern) for f in d.rglob("*.py")]
    return [f for f in files if f.resolve() != Path(__file__).resolve()]


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_exercised_by_a_test(hook):
    word = re.compile(rf"\b{hook}\b")
    users = [f for f in _test_files() if word.search(f.read_text(encoding="utf-8"))]
    assert users, f"no test under {', '.join(TEST_DIRS)} names hook {hook!r}: write one that exercises it"


@pytest.mark.parametrize("name", sorted(automl_core.__all__))
def test_every_public_name_is_documented(name):
    code = "\n".join(code_of(page.read_text(encoding="utf-8")) for page in sorted(DOCS.glob("*.md")))
    assert re.search(rf"(?<!\w){re.escape(name)}(?!\w)", code), (
        f"automl_core.{name} is public (in __all__) but no page of docs/ mentions it in code"
    )


@pytest.mark.parametrize("page", CHECKED_PAGES)
def test_python_examples_compile(page):
    blocks = python_blocks(page)
    assert blocks or page in ("index.md", "architecture.md"), f"docs/{page} has no python example"
    for heading, code in blocks:
        try:
            compile(code, f"docs/{page}, example under '{heading}'", "exec")
        except SyntaxError as exc:
            pytest.fail(f"docs/{page}: the example under '{heading}' is not valid Python: {exc}")


@pytest.mark.parametrize("page", CHECKED_PAGES)
def test_links_between_pages_resolve(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    broken = []
    for target in LINK.findall(FENCE.sub("", text)):
        if "://" in target:
            continue
        path, _, anchor = target.partition("#")
        file = (DOCS / path).resolve() if path else DOCS / page
        if not file.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and file.suffix == ".md":
            headings = re.findall(r"^#+ (.*)$", FENCE.sub("", file.read_text(encoding="utf-8")), flags=re.M)
            if anchor not in {slug(h) for h in headings}:
                broken.append(f"{target} (no such heading)")
    assert not broken, f"docs/{page} has broken links: {broken}"


def test_every_module_of_the_core_is_in_the_architecture_map():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    table = text[text.index("## Module map") : text.index("## The fit flow")]
    mapped = {name.strip("`*/") for name in re.findall(r"^\| (\*{0,2}`[^`]+`\*{0,2})", table, flags=re.M)}
    core = REPO / "automl_core"
    modules = {str(f.relative_to(core).with_suffix("")).removesuffix("/__init__") for f in core.rglob("*.py")}
    modules = {m for m in modules if m != "__init__" and not m.startswith("testing/_")} | {"__init__"}
    missing = sorted(m for m in modules if m not in mapped)
    assert not missing, f"docs/architecture.md's module map lacks: {missing}"
    stale = sorted(m for m in mapped if m not in modules)
    assert not stale, f"docs/architecture.md's module map names modules that do not exist: {stale}"
