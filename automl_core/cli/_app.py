"""The ``automl`` command line.

Exit codes scripts can rely on: 0 success, 1 a runtime failure (no pipeline fitted in time, a
refused package, a crash), 2 a usage or input error (bad flag or config key, unreadable or
mismatched data, missing file). Errors are one line, the error's own message; ``--verbose``
adds the traceback and the loaders' log.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..errors import AutoMLError, DataError, PackageNotFoundError, UnknownComponentError
from ._config import AutoMLConfig, ConfigError, load_config, with_overrides

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="automl",
    help="Fit, deploy and watch AutoML models on tables.\n\n"
    "[bold]automl fit train.csv --target y --out model[/] searches pipelines for 60 s and saves a model package; "
    "[bold]automl predict model new.csv --out predictions.csv[/] uses it; [bold]automl serve model[/] puts it "
    "behind HTTP. Run [bold]automl COMMAND --help[/] for a command's options.\n\n"
    "Exit codes: 0 done, 1 runtime failure, 2 usage or input error.\n\n"
    "With $AUTOML_PACKAGE_KEY set, fit signs the package it writes and predict, evaluate, monitor and serve "
    "refuse a package not signed with that key.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
console = Console()
err_console = Console(stderr=True)

Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks and the loaders' log.")]
ModelPath = Annotated[
    Path, typer.Argument(metavar="MODEL", help="A model package directory written by [bold]automl fit[/].")
]
Trust = Annotated[
    list[str] | None,
    typer.Option(
        "--trust",
        help="Also accept this type in the model files, or read this pickle file of the package "
        "(pipeline-1.pkl) (repeatable; only for packages you trust).",
    ),
]
LoadOption = Annotated[
    list[str] | None,
    typer.Option(
        "--load-option",
        "-L",
        metavar="KEY=VALUE",
        help="An option for the loader reading DATA (repeatable): -L sep=';' -L encoding=latin-1, -L table=sales.",
    ),
]


def _load_options(given: list[str] | None) -> dict:
    """``KEY=VALUE`` options as a mapping. A value is text (``sep=|``, ``comment=#``, ``sep=;``)
    unless it is a number or ``true``/``false``; a YAML list or mapping (``[yes, 1]``) holds
    such values (``["yes", 1]``)."""
    import yaml

    options = {}
    for item in given or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--load-option {item!r} is not KEY=VALUE")
        try:
            raw = yaml.load(value, Loader=yaml.BaseLoader) if value.strip()[:1] in ("[", "{") else value
        except yaml.YAMLError:
            raw = value
        options[key.strip()] = _option_value(raw)
    return options


def _option_value(raw):
    """A loader option's text as a number, a boolean or text (in lists and mappings too)."""
    if isinstance(raw, list):
        return [_option_value(v) for v in raw]
    if isinstance(raw, dict):
        return {k: _option_value(v) for k, v in raw.items()}
    if raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    if re.fullmatch(r"[+-]?\d+", raw.strip()):
        return int(raw)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", raw.strip()):
        return float(raw)
    return raw


def _print_version(value: bool) -> None:
    if value:
        from .. import __version__

        console.print(f"automl-core {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_print_version, is_eager=True, help="Show the version of automl-core and exit."
        ),
    ] = False,
) -> None:
    """Fit, deploy and watch AutoML models on tables."""


def _is_input_error(exc: BaseException) -> bool:
    from ..search import StorageError

    return isinstance(
        exc, (DataError, UnknownComponentError, ConfigError, PackageNotFoundError, FileNotFoundError, StorageError)
    )


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    err_console.print(f"[yellow]warning:[/] {escape(str(message))}", highlight=False, soft_wrap=True)


@contextmanager
def reported(verbose: bool) -> Iterator[None]:
    """Run a command: warnings and errors as one line each, the exit code by the kind of error."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(name)s: %(message)s")
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            yield
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            code = EXIT_USAGE if _is_input_error(exc) else EXIT_FAILURE
            if verbose:
                err_console.print_exception()
            message = str(exc) if isinstance(exc, AutoMLError) else f"{type(exc).__name__}: {exc}"
            err_console.print(f"[red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
            raise typer.Exit(code) from None


def _load(model: Path, trust: list[str] | None):
    from ..estimator import load

    return load(model, trusted=trust or ())


@app.command()
def fit(
    data: Annotated[
        str | None,
        typer.Argument(metavar="DATA", help="Training data: a CSV/Parquet/JSON-lines file, a glob, a database URL."),
    ] = None,
    target: Annotated[str | None, typer.Option("--target", "-t", help="The column to predict.")] = None,
    time_budget: Annotated[float | None, typer.Option(help="Seconds for the whole fit (default 60).")] = None,
    metric: Annotated[str | None, typer.Option(help="Metric to optimise (roc_auc, log_loss, rmse, ...).")] = None,
    task: Annotated[str | None, typer.Option(help="binary, multiclass or regression (default inferred).")] = None,
    families: Annotated[str | None, typer.Option(help="Comma-separated model families to search.")] = None,
    exclude: Annotated[
        str | None, typer.Option(help="Comma-separated families, preprocessors or feature builders not to use.")
    ] = None,
    max_trials: Annotated[int | None, typer.Option(help="Stop after this many trials.")] = None,
    predict_time_limit: Annotated[
        float | None, typer.Option(help="Most predict seconds per row of the final model (e.g. 1e-5).")
    ] = None,
    speed_tolerance: Annotated[
        float | None,
        typer.Option(
            help="Share of the validation gain over a constant prediction the model may give up to predict faster (default 0.002; 0: the most accurate)."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=1, help="Trials at once, each in a worker process (default: one per core)."
        ),
    ] = None,
    executor: Annotated[str | None, typer.Option(help="Where trials run: local (default), dask.")] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of a Dask scheduler (tcp://host:8786); implies --executor dask.")
    ] = None,
    storage: Annotated[
        str | None,
        typer.Option(help="Keep each finished trial in this optuna storage (sqlite:///search.db), to --resume later."),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the search kept in --storage: no finished trial runs again.")
    ] = False,
    seed: Annotated[int | None, typer.Option(help="Random seed (default 0).")] = None,
    weight_column: Annotated[
        str | None,
        typer.Option(help="Column of each row's sample weight (not a feature): weighted models, metric and ensemble."),
    ] = None,
    group_column: Annotated[
        str | None,
        typer.Option(help="Column of each row's group (not a feature): no group on both sides of a validation split."),
    ] = None,
    time_column: Annotated[
        str | None,
        typer.Option(help="Column of dates or numbers ordering the rows: forward-chaining time validation."),
    ] = None,
    out: Annotated[
        str | None, typer.Option("--out", "-o", help="Directory for the model package (default model).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="YAML file with any of these settings; flags win.")
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing package at --out.")] = False,
    load_option: LoadOption = None,
    verbose: Verbose = False,
) -> None:
    """Search pipelines on DATA within the time budget and save the best as a model package.

    Example: [bold]automl fit train.csv --target Survived --time-budget 120 --out titanic-model[/]
    """
    from ._fit import run_fit

    with reported(verbose):
        settings = load_config(config) if config else AutoMLConfig()
        options = _load_options(load_option)
        if options:
            settings = with_overrides(settings, {"load_options": {**settings.load_options, **options}})
        if scheduler is not None:
            executor = executor or "dask"
            settings = with_overrides(
                settings, {"executor_options": {**(settings.executor_options or {}), "address": scheduler}}
            )
        flags = {
            "data": data,
            "target": target,
            "time_budget": time_budget,
            "metric": metric,
            "task": task,
            "families": _names(families),
            "exclude": _names(exclude),
            "max_trials": max_trials,
            "seed": seed,
            "out": out,
            "predict_time_limit": predict_time_limit,
            "speed_tolerance": speed_tolerance,
            "n_workers": workers,
            "executor": executor,
            "storage": storage,
            "weight_column": weight_column,
            "group_column": group_column,
            "time_column": time_column,
        }
        run_fit(with_overrides(settings, flags), console, overwrite, resume=resume)


def _names(text: str | None) -> list[str] | None:
    """A comma-separated option as a list (None when not given)."""
    return [n.strip() for n in text.split(",") if n.strip()] if text else None


@app.command()
def predict(
    model: ModelPath,
    data: Annotated[
        str, typer.Argument(metavar="DATA", help="Rows to predict: CSV and Parquet files are streamed in chunks.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file, .csv or .parquet.")] = Path("predictions.csv"),
    chunk_rows: Annotated[int, typer.Option(min=1, help="Rows read and predicted at a time.")] = 100_000,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file at --out.")] = False,
    trust: Trust = None,
    load_option: LoadOption = None,
    verbose: Verbose = False,
) -> None:
    """Write predictions (and class probabilities) for every row of DATA.

    Example: [bold]automl predict titanic-model passengers.parquet --out predictions.parquet[/]
    """
    from ._predict import predict_file

    with reported(verbose):
        rows = predict_file(_load(model, trust), data, out, chunk_rows, _load_options(load_option), overwrite)
        console.print(f"{rows} predictions written to [bold]{out}[/]")


@app.command()
def evaluate(
    model: ModelPath,
    data: Annotated[str, typer.Argument(metavar="DATA", help="Labelled rows: the features and the target column.")],
    target: Annotated[
        str | None, typer.Option("--target", "-t", help="Target column (default the one at fit).")
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(help="Also write an evaluation report (plots, intervals, importance) as one HTML page here."),
    ] = None,
    trust: Trust = None,
    load_option: LoadOption = None,
    verbose: Verbose = False,
) -> None:
    """Score the model on labelled DATA with every metric installed for its task.

    Example: [bold]automl evaluate titanic-model holdout.csv --html report.html[/]
    """
    from ..data import load_data
    from ._predict import metrics_rows

    with reported(verbose):
        fitted = _load(model, trust)
        frame = load_data(data, **_load_options(load_option))
        name = target or fitted.target_name_
        if name not in frame.columns:
            raise DataError(f"{data} has no target column {name!r}; name it with --target")
        table = Table(title=f"{fitted.task_} metrics on {len(frame)} rows")
        for column in ("metric", "value", ""):
            table.add_column(column)
        for row in metrics_rows(fitted.evaluate(frame, target=name)):
            table.add_row(*row)
        console.print(table)
        if html is not None:
            from ._explain import write_report

            write_report(fitted, frame, name, html, console)


@app.command()
def explain(
    model: ModelPath,
    data: Annotated[str, typer.Argument(metavar="DATA", help="Labelled rows: the features and the target column.")],
    target: Annotated[
        str | None, typer.Option("--target", "-t", help="Target column (default the one at fit).")
    ] = None,
    repeats: Annotated[int, typer.Option(min=1, help="Shuffles of each column.")] = 5,
    max_rows: Annotated[int | None, typer.Option(min=10, help="Measure on a random sample of this many rows.")] = None,
    top: Annotated[int, typer.Option(min=1, help="Columns shown.")] = 20,
    trust: Trust = None,
    load_option: LoadOption = None,
    verbose: Verbose = False,
) -> None:
    """Which input columns matter: permutation importance of the model on labelled DATA.

    Example: [bold]automl explain titanic-model holdout.csv --repeats 10[/]
    """
    from ._explain import importance_table, labelled_frame

    with reported(verbose):
        fitted = _load(model, trust)
        frame, name = labelled_frame(fitted, data, target, _load_options(load_option))
        console.print(importance_table(fitted, frame, name, repeats, max_rows, top))


@app.command()
def serve(
    model: ModelPath,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    max_rows: Annotated[int, typer.Option(min=1, help="Most records per request (more: 413).")] = 10_000,
    max_body_mb: Annotated[float, typer.Option(min=0.001, help="Largest request body in MB (more: 413).")] = 10.0,
    api_key_env: Annotated[
        str | None,
        typer.Option(
            "--api-key-env",
            metavar="NAME",
            help="Require the key held in this environment variable: requests send "
            "'Authorization: Bearer KEY' or 'X-API-Key: KEY' (else 401).",
        ),
    ] = None,
    no_metadata: Annotated[
        bool,
        typer.Option(
            "--no-metadata", help="Do not serve GET /metadata (settings, versions, leaderboard, data fingerprint)."
        ),
    ] = False,
    no_docs: Annotated[bool, typer.Option("--no-docs", help="Do not serve /docs, /redoc and /openapi.json.")] = False,
    workers: Annotated[int, typer.Option(min=1, help="Server processes, each loading its own copy of the model.")] = 1,
    trust: Trust = None,
    verbose: Verbose = False,
) -> None:
    """Serve the model over HTTP: POST /predict, GET /health, GET /metadata, /docs (needs automl-core\\[serve])."""
    with reported(verbose):
        if importlib.util.find_spec("fastapi") is None or importlib.util.find_spec("uvicorn") is None:
            raise AutoMLError("automl serve needs FastAPI and uvicorn: pip install 'automl-core[serve]'")
        from ._server import serve as run_server

        run_server(
            model,
            host=host,
            port=port,
            max_rows=max_rows,
            max_body_bytes=int(max_body_mb * 2**20),
            trusted=trust or (),
            api_key_env=api_key_env,
            metadata=not no_metadata,
            docs=not no_docs,
            workers=workers,
        )


@app.command()
def plugins(verbose: Verbose = False) -> None:
    """List the installed plugins, their distribution, status and the components they register."""
    from ._plugins import plugin_rows

    with reported(verbose):
        table = Table(title="automl plugins")
        for column in ("plugin", "distribution", "version", "status", "components"):
            table.add_column(column, overflow="fold")
        for row in plugin_rows():
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)


@app.command()
def monitor(
    model: ModelPath,
    data: Annotated[
        str,
        typer.Argument(metavar="DATA", help="Recent production rows; with the target column, quality is measured too."),
    ],
    html: Annotated[Path | None, typer.Option(help="Write the report as an HTML page here.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the report as JSON here.")] = None,
    monitor_name: Annotated[
        str | None, typer.Option("--monitor", help="Monitor to use (default: evidently if installed).")
    ] = None,
    trust: Trust = None,
    load_option: LoadOption = None,
    verbose: Verbose = False,
) -> None:
    """Compare recent DATA with the training sample kept in the package: drift per column, quality."""
    from ._plugins import run_monitor

    with reported(verbose):
        run_monitor(
            _load(model, trust),
            data,
            console,
            html=html,
            json_out=json_out,
            name=monitor_name,
            options=_load_options(load_option),
        )
