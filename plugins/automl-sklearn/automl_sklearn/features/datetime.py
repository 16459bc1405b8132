"""Date and time columns turned into the numbers models can split on.

A column is a date column when its dtype is datetime64, or when it holds strings of which at
least :data:`MIN_PARSED_SHARE` parse with one date format (``"2011-01-01"``, ``"01/02/2011"``,
``"Jan 5, 2020"``, ISO 8601 with a time and an offset). The format is guessed from a sample at
fit and kept, so every later parse is the same strict, vectorised one; a value that does not
parse becomes missing parts, as at fit, but a batch in which no given value of a date column
parses, where the values seen at fit make that unlikely, is a ``DataError`` naming the column
and a value (dates written another way than at fit). Time zones are converted to UTC.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

from automl_core import DataError

from ._frame import FrameBuilder

#: Share of a sample of a string column's values that must parse for it to count as dates.
MIN_PARSED_SHARE = 0.95
#: Values of a string column sampled to decide whether it holds dates.
SAMPLE_SIZE = 500
#: Sampled values whose format is guessed (the candidate formats are then tried on the sample).
GUESSED_VALUES = 20
#: The longest text that can be one date ("Wednesday, September 30, 2026 23:59:59.999999 +05:30"
#: is 52 characters): longer values are not dates, and are never handed to the date parsers,
#: whose cost grows with the length (dateutil's tokenizer took 70 s on 150 values of 1 MB).
MAX_DATE_LENGTH = 64
#: A batch in which no date parses is an error when, at the share of values that did not parse
#: at fit, so many unreadable values in a row would be rarer than this.
UNLIKELY = 1e-6
#: Cyclic parts and their periods: each also gets a sine and a cosine column.
PERIODS = {"month": 12, "dayofweek": 7, "hour": 24}


def _is_date_format(fmt: str | None) -> bool:
    """A format with a year and a month: plain numbers and times are not dates."""
    return bool(fmt) and ("%Y" in fmt or "%y" in fmt) and any(m in fmt for m in ("%m", "%b", "%B"))


def _parse(values: pd.Series, fmt: str | None) -> pd.Series:
    """Timestamps (UTC, naive) of ``values``; unparseable values become NaT."""
    if fmt is None and pd.api.types.is_datetime64_any_dtype(values):
        when = pd.to_datetime(values, utc=True)
    else:
        strings = values.astype(str).where(values.notna())
        when = pd.to_datetime(strings, format=fmt or "ISO8601", errors="coerce", utc=True)
    return when.dt.tz_localize(None)


def date_format(column: pd.Series) -> str | None:
    """The date format that parses most of a sample of a string column, or None if none does."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return None
    values = column.dropna()
    if values.empty:
        return None
    values = values.sample(min(len(values), SAMPLE_SIZE), random_state=0).astype(str)
    short = values[values.str.len() <= MAX_DATE_LENGTH]
    if len(short) < MIN_PARSED_SHARE * len(values):
        return None
    values = short
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # dayfirst guesses of formats without a day
        guessed = {
            guess_datetime_format(v, dayfirst=first) for v in values.iloc[:GUESSED_VALUES] for first in (False, True)
        }
    shares = {fmt: _parse(values, fmt).notna().mean() for fmt in sorted(filter(_is_date_format, guessed))}
    best = max(shares, key=shares.get, default=None)
    return best if best is not None and shares[best] >= MIN_PARSED_SHARE else None


def _check_parsed(values: pd.Series, when: pd.Series, name: str, fmt: str | None, share_at_fit: float) -> None:
    """A batch whose given values of a date column all fail to parse is an error, not a batch
    of missing dates, unless the values that did not parse at fit (``share_at_fit`` of them)
    make such a batch likely (:data:`UNLIKELY`): dates written another way than at fit
    ("29/11/2026" for "2026-11-29", epoch numbers for dates) would otherwise be predicted as if
    every date were unknown. A column that parsed whole at fit allows no such batch, one row
    included; with 2% unparsed at fit, one or three unreadable rows pass, four do not."""
    given = values.notna().to_numpy()
    n = int(given.sum())
    if n and share_at_fit**n < UNLIKELY and when.isna().to_numpy()[given].all():
        row = int(np.flatnonzero(given)[0])
        value, label = values.iloc[row], values.index[row]
        value, label = (v.item() if isinstance(v, np.generic) else v for v in (value, label))  # 5, not np.int64(5)
        raise DataError(
            f"column {name!r}: none of its {int(given.sum())} value(s) reads as a date "
            f"{'in the format ' + repr(fmt) if fmt else 'as at fit'} (e.g. {value!r} at row {label!r})"
        )


def date_columns(frame: pd.DataFrame) -> dict[str, str | None]:
    """The date columns of ``frame`` and their format (None for datetime64 columns)."""
    found = {}
    for position, (name, dtype) in enumerate(frame.dtypes.items()):
        if pd.api.types.is_datetime64_any_dtype(dtype):
            found[name] = None
        elif pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            continue  # decided by dtype, as date_format would: no column lookup (10,000 columns cost seconds)
        elif (fmt := date_format(frame.iloc[:, position])) is not None:
            found[name] = fmt
    return found


def _parts(when: pd.Series, origin: pd.Timestamp, with_hour: bool) -> dict[str, pd.Series]:
    parts = {
        "year": when.dt.year,
        "month": when.dt.month,
        "day": when.dt.day,
        "dayofweek": when.dt.dayofweek,
        "dayofyear": when.dt.dayofyear,
    }
    if with_hour:
        parts["hour"] = when.dt.hour + when.dt.minute / 60.0
    for name, period in PERIODS.items():
        if name in parts:
            angle = 2.0 * np.pi * (parts[name] - (name == "month")) / period
            parts[f"{name}_sin"], parts[f"{name}_cos"] = np.sin(angle), np.cos(angle)
    parts["elapsed_days"] = (when - origin) / pd.Timedelta(days=1)
    return {name: part.astype("float64") for name, part in parts.items()}


class DateParts(FrameBuilder):
    """Replaces each date column by its calendar parts, cyclic encodings and elapsed days.

    For a column ``c``: ``c__year``, ``c__month``, ``c__day``, ``c__dayofweek``,
    ``c__dayofyear``, ``c__hour`` (only when times vary at fit), the sine and cosine of month,
    day of week and hour, and ``c__elapsed_days`` since the earliest value at fit. All are
    float64, NaN where the value is missing or does not parse. Other columns pass unchanged. A
    part's name already taken by another column gets the first free suffix ``_2``, ``_3``...
    (``c__year_2`` beside a column ``c__year``).
    """

    def fit(self, X, y=None):
        """Find the date columns, their formats, earliest values and whether times vary."""
        X = self._start_fit(X)
        self.formats_ = date_columns(X)
        self.origins_, self.with_hour_, self.unparsed_share_ = {}, {}, {}
        for name, fmt in self.formats_.items():
            when = _parse(X[name], fmt)
            given = int(X[name].notna().sum())
            self.unparsed_share_[name] = float((X[name].notna() & when.isna()).sum() / given) if given else 0.0
            when = when.dropna()
            self.origins_[name] = str(when.min())  # a string: skops stores it as data
            self.with_hour_[name] = bool(((when.dt.hour != 0) | (when.dt.minute != 0)).any())
        kept = [c for c in X.columns if c not in self.formats_]
        added = [f"{name}__{part}" for name in self.formats_ for part in self._part_names(name)]
        self._set_names_out(kept, added)
        return self

    def _part_names(self, name: str) -> list[str]:
        return list(_parts(pd.Series([], dtype="datetime64[ns]"), pd.Timestamp(0), self.with_hour_[name]))

    def transform(self, X):
        """Return ``X`` with each date column replaced by its parts."""
        X = self._check_frame(X)
        derived = []
        for name, fmt in self.formats_.items():
            when = _parse(X[name], fmt)
            _check_parsed(X[name], when, name, fmt, getattr(self, "unparsed_share_", {}).get(name, 0.0))
            derived += _parts(when, pd.Timestamp(self.origins_[name]), self.with_hour_[name]).values()
        return self._join(X, derived)
