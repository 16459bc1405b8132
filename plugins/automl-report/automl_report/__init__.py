"""automl-report: evaluation reports of automl-core models as one self-contained HTML page.

The engine finds it through the ``automl.plugins`` entry point ``report``, which names
:mod:`automl_report.plugin`; matplotlib is imported only when a report is drawn.
"""

__version__ = "0.1.0"
