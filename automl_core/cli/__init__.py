"""The ``automl`` command line (``_app``: fit, predict, evaluate, serve, plugins, monitor), its
configuration file (``_config``) and the REST server of ``automl serve`` (``_server``, which
imports FastAPI and uvicorn, the ``serve`` extra).

Nothing heavy is imported here: :func:`main` imports the command line when it runs.
"""
from __future__ import annotations

from typing import Any

__all__ = ["AutoMLConfig", "ConfigError", "create_app", "load_config", "main", "serve", "validate_config"]

_LAZY = {"AutoMLConfig": "._config", "ConfigError": "._config", "load_config": "._config",
         "validate_config": "._config", "create_app": "._server", "serve": "._server"}


def main() -> None:
    """The ``automl`` console script."""
    from ._app import app

    app()


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
