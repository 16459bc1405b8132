"""automl-psi: a population stability index monitor for automl-core.

The engine finds it through the ``automl.plugins`` entry point ``psi``, which names
:mod:`automl_psi.plugin`.
"""

__version__ = "0.2.0"
