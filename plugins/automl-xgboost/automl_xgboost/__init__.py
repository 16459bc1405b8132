"""automl-xgboost: the XGBoost model family for automl-core.

The engine finds it through the ``automl.plugins`` entry point ``xgboost``, which names
:mod:`automl_xgboost.plugin`.
"""

__version__ = "0.2.0"
