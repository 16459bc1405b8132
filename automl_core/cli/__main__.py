"""``python -m automl_core.cli``: the ``automl`` command line."""

from . import main

main()
