"""The conformance check of loaders."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..components import LoadedData, Loader
from ._common import Checker


def _shown(source: Any) -> str:
    """A short description of a data source for messages (a DataFrame by its shape)."""
    if isinstance(source, pd.DataFrame):
        return f"<DataFrame of shape {source.shape}>"
    text = repr(source)
    return text if len(text) <= 160 else text[:157] + "..."


def check_loader(loader: Loader, source: Any, options: Mapping[str, Any] | None = None) -> None:
    """Check a :class:`~automl_core.Loader` on a ``source`` it should read.

    Checks that ``can_load(source, options)`` is True, that ``load`` returns a non-empty
    DataFrame (or a :class:`~automl_core.LoadedData` holding one, whose ``numeric_text``
    names columns of the frame), and that ``can_load`` answers False (without raising) for a missing file
    with an unknown suffix, given as a ``str`` and as a ``pathlib.Path``.

    :raises ConformanceError: naming the loader and the failed check.
    """
    import tempfile
    from pathlib import Path

    check = Checker(f"loader {loader.name!r}")
    options = dict(options or {})
    shown = _shown(source)
    with check.step(f"can_load({shown})"):
        answer = loader.can_load(source, options)
    check.require(answer is True, f"can_load({shown}) returned {answer!r}, expected True")
    with check.step(f"load({shown})"):
        frame = loader.load(source, options)
    if isinstance(frame, LoadedData):
        unknown = sorted(set(frame.numeric_text) - {str(c) for c in getattr(frame.frame, "columns", ())})
        check.require(not unknown, f"load's LoadedData.numeric_text names columns the frame lacks: {unknown}")
        frame = frame.frame
    check.require(
        isinstance(frame, pd.DataFrame), f"load must return a DataFrame or a LoadedData, got {type(frame).__name__}"
    )
    check.require(frame.shape[0] > 0 and frame.shape[1] > 0, f"load({shown}) returned an empty DataFrame")
    missing = Path(tempfile.gettempdir()) / "automl-conformance-no-such-file.unknown-suffix"
    for alien in (str(missing), missing):
        with check.step(f"can_load({alien!r})"):
            answer = loader.can_load(alien, {})
        check.require(answer is False, f"can_load({alien!r}) returned {answer!r}, expected False")
