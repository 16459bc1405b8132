"""automl-shap: SHAP explanations of automl-core models.

The engine finds it through the ``automl.plugins`` entry point ``shap``, which names
:mod:`automl_shap.plugin`; shap itself is imported only when a model is explained.
"""

__version__ = "0.1.0"
