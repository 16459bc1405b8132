"""Free-text columns turned into a few dense numbers: TF-IDF, then truncated SVD.

A column is free text when it holds strings, at least :data:`MIN_DISTINCT_SHARE` of them
distinct, that are mostly multi-word or long (titanic's ``Name``), and that are not dates.
Each such column becomes ``n_components`` float columns ``<column>__svd<i>`` (a name already
taken by another column gets the first free suffix ``_2``, ``_3``...): the leading directions
of its TF-IDF matrix (word 1-2 grams or character trigrams within words), which carry what a
bag of words would (a passenger's title, a product's brand) in a dense form every model
accepts. To stay fast on tens of thousands of rows, the vocabulary is capped at
:data:`MAX_TERMS` terms and learnt, with the SVD, on at most :data:`FIT_ROWS` rows
(docs/performance.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline

from ._frame import FrameBuilder
from .datetime import date_format

#: Share of distinct values among a column's non-missing values for it to be free text.
MIN_DISTINCT_SHARE = 0.5
#: Mean length from which distinct strings count as text even without spaces.
MIN_MEAN_LENGTH = 25
#: Values sampled to decide whether a column is free text.
SAMPLE_SIZE = 2000
#: Most terms kept in a column's vocabulary (the most frequent).
MAX_TERMS = 5000
#: Rows sampled to learn the vocabulary and the SVD; every row is transformed.
FIT_ROWS = 20_000
#: n-gram ranges of the two analyzers (character trigrams only: 2-4 grams took much longer).
NGRAMS = {"word": (1, 2), "char_wb": (3, 3)}


def is_text(column: pd.Series) -> bool:
    """Whether ``column`` holds free text: distinct, multi-word or long strings that are not dates."""
    if (
        pd.api.types.is_numeric_dtype(column)
        or pd.api.types.is_bool_dtype(column)
        or pd.api.types.is_datetime64_any_dtype(column)
    ):
        return False
    values = column.dropna()
    values = values.sample(min(len(values), SAMPLE_SIZE), random_state=0).astype(str)
    if len(values) < 2 or values.nunique() < MIN_DISTINCT_SHARE * len(values):
        return False
    wordy = values.str.contains(" ").mean() > 0.5 or values.str.len().mean() >= MIN_MEAN_LENGTH
    return bool(wordy) and date_format(column) is None


def text_columns(frame: pd.DataFrame) -> list[str]:
    """The free-text columns of ``frame``."""
    return [
        name
        for position, (name, dtype) in enumerate(frame.dtypes.items())
        # numbers, booleans and dates are never text, decided by dtype without a column lookup
        if not (
            pd.api.types.is_numeric_dtype(dtype)
            or pd.api.types.is_bool_dtype(dtype)
            or pd.api.types.is_datetime64_any_dtype(dtype)
        )
        and is_text(frame.iloc[:, position])
    ]


def _documents(column: pd.Series) -> pd.Series:
    return column.astype(str).where(column.notna(), "")


class TextSVD(FrameBuilder):
    """Replaces each free-text column by the truncated SVD of its TF-IDF matrix.

    :param analyzer: ``"word"`` (1-2 grams) or ``"char_wb"`` (character trigrams within words).
    :param n_components: dense columns per text column (fewer when the vocabulary is smaller).
    :param min_df: documents a term must appear in to be kept. Dropping rare terms (most
        surnames in a list of names) lets the SVD spend its components on shared signal
        (titles, common first names; docs/performance.md).
    :param random_state: seed of the randomised SVD.
    """

    def __init__(self, analyzer: str = "word", n_components: int = 10, min_df: int = 5, random_state: int = 0):
        self.analyzer = analyzer
        self.n_components = n_components
        self.min_df = min_df
        self.random_state = random_state

    def fit(self, X, y=None):
        """Find the text columns and fit a vectoriser and an SVD for each."""
        X = self._start_fit(X)
        if self.analyzer not in NGRAMS:
            raise ValueError(f"analyzer must be one of {sorted(NGRAMS)}, got {self.analyzer!r}")
        self.encoders_ = {}
        for name in text_columns(X):
            documents = _documents(X[name])
            if len(documents) > FIT_ROWS:
                documents = documents.sample(FIT_ROWS, random_state=self.random_state)
            encoder = self._fit_column(documents)
            if encoder is not None:
                self.encoders_[name] = encoder
        kept = [c for c in X.columns if c not in self.encoders_]
        added = [f"{name}__svd{i}" for name, encoder in self.encoders_.items() for i in range(encoder[-1].n_components)]
        self._set_names_out(kept, added)
        return self

    def _fit_column(self, documents: pd.Series):
        """The fitted TF-IDF and SVD of one column; None when no term is frequent enough to keep."""
        # one-letter words count too (initials, sizes); the pattern is only read by the word analyzer
        pattern = r"(?u)\b\w+\b" if self.analyzer == "word" else None
        vectorizer = TfidfVectorizer(
            analyzer=self.analyzer,
            ngram_range=NGRAMS[self.analyzer],
            token_pattern=pattern,
            min_df=self.min_df,
            max_features=MAX_TERMS,
            sublinear_tf=True,
            dtype=np.float32,
        )
        try:
            terms = vectorizer.fit_transform(documents)
        except ValueError:  # scikit-learn's "empty vocabulary" or "no terms remain" after min_df
            return None
        components = max(1, min(self.n_components, terms.shape[1] - 1, len(documents) - 1))
        svd = TruncatedSVD(n_components=components, random_state=self.random_state).fit(terms)
        return make_pipeline(vectorizer, svd)

    def transform(self, X):
        """Return ``X`` with each text column replaced by its SVD components."""
        X = self._check_frame(X)
        derived = []
        for name, encoder in self.encoders_.items():
            derived += list(encoder.transform(_documents(X[name])).astype("float64").T)
        return self._join(X, derived)
