"""Comparable categorical columns for drift monitors: rare and unseen levels as one."""

from __future__ import annotations

import pandas as pd

#: A categorical level is compared as itself only if it holds this share of the reference
#: rows (and at least MIN_LEVEL_ROWS of them); rarer and unseen levels are compared as one.
MIN_LEVEL_SHARE = 0.01
MIN_LEVEL_ROWS = 5
OTHER_LEVEL = "__other__"


def group_rare_levels(baseline: pd.DataFrame, current: pd.DataFrame, columns: list[str]) -> None:
    """Map rare and unseen levels to one, in place, in both frames.

    Two samples of a near-unique column (titanic's Ticket or Cabin) share few levels, so any
    distance between their raw distributions says "drift" even when nothing changed; what can
    drift meaningfully is the share of each frequent level, and the share of all others.
    """
    for col in columns:
        counts = baseline[col].astype(str).where(baseline[col].notna()).value_counts()
        keep = set(counts[(counts >= MIN_LEVEL_ROWS) & (counts >= MIN_LEVEL_SHARE * len(baseline))].index)
        for frame in (baseline, current):
            text = frame[col].astype(str).where(frame[col].notna())
            frame[col] = text.where(text.isin(keep) | text.isna(), OTHER_LEVEL).astype(object)
