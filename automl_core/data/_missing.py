"""Missing values in columns that had none at fit: imputed, with one warning per call."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from types import FrameType

from ..errors import MissingValueWarning

#: Columns named in a warning's message; ``MissingValueWarning.counts`` has them all.
MAX_COLUMNS_NAMED = 10
_PACKAGE = str(Path(__file__).resolve().parent.parent)


def missing_message(counts: Mapping[str, int], what: str = "the input") -> str:
    """What :func:`warn_missing` says: each column (the most missing first) and its count."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    named = ", ".join(f"{column!r} ({n} row{'s' if n != 1 else ''})" for column, n in ranked[:MAX_COLUMNS_NAMED])
    more = len(ranked) - MAX_COLUMNS_NAMED
    if more > 0:
        named += f" and {more} more column(s)"
    return (
        f"{what} has missing values in {len(ranked)} column(s) that had none at fit, imputed: {named}; "
        "pass AutoML(strict_missing=True) to refuse them"
    )


def warn_missing(counts: Mapping[str, int], what: str = "the input") -> None:
    """One :class:`MissingValueWarning` for ``counts`` (column to missing values), if any,
    attributed to the first caller outside ``automl_core``."""
    if counts:
        warnings.warn(MissingValueWarning(missing_message(counts, what), counts), stacklevel=_user_level())


def _user_level() -> int:
    """The ``stacklevel`` of the innermost frame outside this package (as seen from ``warn_missing``'s caller)."""
    frame: FrameType | None = sys._getframe(2)
    level = 2
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level
