"""automl-loaders: the data loaders of automl-core, as a plugin.

Installed, it registers through the ``automl.plugins`` entry point ``loaders`` the loaders
``dataframe``, ``csv``, ``parquet``, ``jsonl``, ``glob`` and ``sql``; see
:mod:`automl_loaders.plugin`.
"""

__version__ = "0.2.0"

__all__ = ["__version__"]
