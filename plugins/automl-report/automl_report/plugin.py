"""The ``html`` reporter: the report drawn with matplotlib as inline SVG in one HTML page."""

from __future__ import annotations

from automl_core import Reporter, hookimpl

#: The plugin's name when passed in code; the same as its entry-point name.
PLUGIN_NAME = "report"


def render(report) -> str:
    """The report as a complete HTML document (imports matplotlib when called)."""
    from .page import page

    return page(report)


HTML = Reporter(
    name="html", render=render, description="one self-contained HTML page, plots drawn with matplotlib as inline SVG"
)


@hookimpl
def register_reporters(register):
    """Hand the HTML reporter to the engine."""
    register(HTML)
