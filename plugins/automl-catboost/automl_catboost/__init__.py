"""automl-catboost: the CatBoost model family for automl-core.

The engine finds it through the ``automl.plugins`` entry point ``catboost``, which names
:mod:`automl_catboost.plugin`.
"""

__version__ = "0.2.0"
