"""automl-dask: the trials of an automl-core search on a ``dask.distributed`` cluster.

Installed, it registers through the ``automl.plugins`` entry point ``dask`` the executor
``dask``: ``AutoML(executor="dask", executor_options={"address": "tcp://scheduler:8786"})``,
or ``{"client": client}`` with a ``distributed.Client`` of your own; see
:mod:`automl_dask.plugin`.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
