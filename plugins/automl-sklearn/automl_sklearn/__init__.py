"""automl-sklearn: the scikit-learn plugin of automl-core.

It reaches the engine through the entry point ``sklearn = "automl_sklearn.plugin"`` of the
group ``automl.plugins``, like any third-party plugin. Importing it is cheap: scikit-learn is
imported when a component is built.
"""

__version__ = "0.2.0"
