"""MkDocs hooks (mkdocs.yml ``hooks``).

Links from a page to files of the repository outside ``docs/`` (an example plugin, a plugin's
README, the benchmarks): MkDocs knows only ``docs/``, so it would call such links broken; this hook checks them itself
(a path that does not exist is a warning, which fails ``mkdocs build --strict``) and makes each
a link into the repository when ``extra.repository`` is set in mkdocs.yml (for example
``https://github.com/ORG/automl-core/blob/main``), else the path as code.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.repository_links")
LINK = re.compile(r"(?<!!)\[([^\]]+)\]\((\.\./[^)\s#]+)(#[^)\s]*)?\)")


def on_page_markdown(markdown: str, page, config, files) -> str:
    docs = Path(config["docs_dir"]).resolve()
    repository = docs.parent
    here = (docs / page.file.src_path).parent
    base = (config.get("extra") or {}).get("repository")

    def replace(match: re.Match) -> str:
        text, target, anchor = match.group(1), match.group(2), match.group(3) or ""
        path = (here / target).resolve()
        if path == docs or docs in path.parents:
            return match.group(0)  # inside docs/: MkDocs checks it
        if not path.exists() or repository not in path.parents:
            log.warning("%s: link to %s, which is not a file of the repository", page.file.src_path, target)
            return match.group(0)
        where = path.relative_to(repository).as_posix()
        if base:
            return f"[{text}]({base.rstrip('/')}/{where}{anchor})"
        return f"`{where}`" if text.strip("`") == where else f"{text} (`{where}` in the repository)"

    return LINK.sub(replace, markdown)


#: Sphinx roles in docstrings (``:class:`X```): mkdocstrings renders the role's name before the code.
ROLE = re.compile(r":(?:class|func|meth|attr|data|mod|exc|obj):(?=<code>)")


def on_page_content(html: str, page, config, files) -> str:
    return ROLE.sub("", html)
