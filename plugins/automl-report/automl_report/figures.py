"""matplotlib figures as inline SVG: no pyplot and no global state (each figure is its own
object, each setting scoped to one drawing), text drawn as paths so no font is needed to
show it, element ids salted with the plot's name so that several SVGs share one page."""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Figure size in inches (at 100 dots per inch in the browser).
SIZE = (6.4, 4.2)
#: Scatter plots with more points than this are drawn as an embedded image inside the SVG.
RASTER_POINTS = 1500
#: Categorical colours (matplotlib's tab10), in order.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


@contextmanager
def figure(name: str, size: tuple[float, float] = SIZE) -> Iterator:
    """A new matplotlib Figure whose settings are scoped to this drawing."""
    import matplotlib
    from matplotlib.figure import Figure

    style = {
        "svg.fonttype": "path",
        "svg.hashsalt": f"automl-{name}",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
    }
    with matplotlib.rc_context(style):
        fig = Figure(figsize=size, layout="constrained")
        yield fig


def svg(fig, name: str) -> str:
    """The figure as an ``<svg>`` element (no XML header, no DOCTYPE, no date)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": f"automl-{name}"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def plot(name: str, title: str, draw: Callable, *args, size: tuple[float, float] = SIZE) -> str:
    """A ``<figure>`` holding the plot ``draw(fig, *args)`` made, or a note saying why it could not be drawn."""
    with figure(name, size) as fig:
        try:
            draw(fig, *args)
        except NotDrawn as reason:
            return note(name, f"{title}: not drawn: {reason}")
        body = svg(fig, name)
    return (
        f'<figure class="plot" id="plot-{name}" data-plot="{name}">{body}'
        f"<figcaption>{html.escape(title)}</figcaption></figure>"
    )


def note(name: str, text: str) -> str:
    return f'<p class="note" id="note-{name}">{html.escape(text)}</p>'


class NotDrawn(Exception):
    """A plot that cannot be drawn from this data; the message says why."""
