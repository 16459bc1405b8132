"""The conformance check of portfolios."""

from __future__ import annotations

import json

from ..components import Portfolio
from ._common import Checker


def check_portfolio(portfolio: Portfolio) -> None:
    """Check a :class:`~automl_core.Portfolio`: it holds configurations, each one a complete
    configuration as ``top_configs_`` gives them (a family, a preprocessor per stage, builders,
    parameters of the family and of each chosen piece), written in plain JSON values.

    :raises ConformanceError: naming the portfolio, the configuration and what is wrong.
    """
    from ..search import PipelineConfig

    check = Checker(f"portfolio {portfolio.name!r}")
    check.require(len(portfolio.configs) > 0, "holds no configuration")
    for i, config in enumerate(portfolio.configs):
        with check.step(f"configuration {i} read as a PipelineConfig"):
            parsed = PipelineConfig.from_dict(config)
        with check.step(f"configuration {i} written as JSON"):
            json.dumps(config)
        check.require(
            parsed.family in parsed.params, f"configuration {i} has no parameters for its family {parsed.family!r}"
        )
        chosen = [p for p in parsed.preprocessing.values() if p != "none"] + list(parsed.builders)
        check.require(all(isinstance(name, str) for name in chosen), f"configuration {i} names a piece by a non-string")
