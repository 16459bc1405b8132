"""automl-evidently: the evidently monitor for automl-core.

The engine finds it through the ``automl.plugins`` entry point ``evidently``, which names
:mod:`automl_evidently.plugin`. evidently itself is imported only when a monitor runs.
"""

__version__ = "0.2.0"
