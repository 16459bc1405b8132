"""The ``automl`` command line (``_app``: fit, predict, evaluate, serve, plugins, monitor), its
configuration file (``_config``) and the REST server of ``automl serve`` (``_server``, which
imports FastAPI and uvicorn, the ``serve`` extra).

Nothing heavy is imported here: :func:`main` imports the command line when it runs.
"""

from __future__ import annotations

from typing import Any

__all__ = ["AutoMLConfig", "ConfigError", "create_app", "load_config", "main", "serve", "validate_config"]

_LAZY = {
    "AutoMLConfig": "._config",
    "ConfigError": "._config",
    "load_config": "._config",
    "validate_config": "._config",
    "create_app": "._server",
    "serve": "._server",
}


#: The modules of the ``cli`` extra, and the distribution that brings each.
CLI_EXTRA = {"typer": "typer", "rich": "rich", "pydantic": "pydantic"}


def main(argv: list[str] | None = None) -> None:
    """The ``automl`` console script. ``--version`` needs no extra; the commands need the ``cli`` extra."""
    import os
    import sys

    # The command line is a program of its own, not a library in someone's process: OpenMP's
    # passive wait steadies one-thread fits on shared cores, and is read when OpenMP loads
    # (docs/performance.md); a value the user set is kept.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from .. import __version__

        print(f"automl-core {__version__}")
        return
    missing = [dist for module, dist in CLI_EXTRA.items() if _absent(module)]
    if missing:
        sys.exit(
            f"automl: the command line needs {', '.join(missing)}, which come with the cli extra: "
            "pip install 'automl-core[cli]'"
        )
    from ._app import app

    app(args=args, prog_name="automl")


def _absent(module: str) -> bool:
    from importlib import import_module

    try:
        import_module(module)  # the command line imports it next anyway
    except ImportError:
        return True
    return False


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
