"""This project's engine without the feature-engineering pieces of issue #6: the "before" of
its before/after measurement. Same search, same budget; the search may not use the excluded
preprocessors and feature builders (datetime columns are then dropped, free text too)."""

from __future__ import annotations

import bench_common
import ours_runner

#: Outlier clipping, robust scaling, target encoding, rare-level grouping, date parts,
#: TF-IDF text features and feature selection.
FEATURE_PIECES = (
    "quantile_clipper",
    "robust_scaler",
    "target_encoder",
    "rare_grouper",
    "datetime_parts",
    "text_tfidf",
    "feature_selection",
)


def fit(train, target, task, metric, budget, seed) -> bench_common.System:
    """``ours`` with ``exclude=FEATURE_PIECES``."""
    return ours_runner.fit(train, target, task, metric, budget, seed, exclude=FEATURE_PIECES)


if __name__ == "__main__":
    bench_common.run(fit)
