"""The REST server of ``automl serve``: FastAPI on uvicorn (the ``serve`` extra), imported only here.

* ``POST /predict`` takes ``{"records": [{"column": value, ...}, ...]}`` and answers
  ``{"predictions": [...]}``, plus ``"classes"`` and ``"probabilities"`` (one row per record,
  one column per class) for classification.
* ``GET /health`` says the model is loaded; ``GET /metadata`` returns the package's metadata
  (unless switched off); ``/docs`` and ``/redoc`` are the interactive docs, their scripts and
  styles served from this server (``fastapi-offline`` ships them), unless switched off.

Every request is checked before the model sees it (:mod:`._request`): with an API key, a
request without it is refused with 401; a body that is not JSON is 415, one over
``max_body_bytes`` or with more than ``max_rows`` records 413; a body that is not strict JSON
of the right shape, and records that do not match the schema learned at fit, are 422 with the
reasons (``failures``: column, check, value, row). Whatever a client sends, the answer is a
JSON body and the connection stays usable; only a fault of the model or a plugin is a 500.
"""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from ..errors import AutoMLError, DataError, SchemaError
from ._config import ConfigError
from ._request import PredictRequest, RequestError, check_encoding, check_media_type, parse_records, read_body

DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_BODY_BYTES = 10 * 2**20
#: Where the docs' scripts and styles are served.
DOCS_ASSETS = "/docs-assets"
#: What ``--workers`` hands each worker process: the package path and the :class:`ServeOptions`.
ENV_MODEL, ENV_OPTIONS = "AUTOML_SERVE_MODEL", "AUTOML_SERVE_OPTIONS"


@dataclass(frozen=True)
class ServeOptions:
    """How a package is served: limits, the API key's environment variable, what is exposed."""

    max_rows: int = DEFAULT_MAX_ROWS
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    trusted: tuple[str, ...] = ()
    api_key_env: str | None = None
    metadata: bool = True
    docs: bool = True
    #: Threads a large batch is predicted in, when the package does not set ``n_jobs``: with
    #: several ``--workers``, the cores shared among them, so that busy workers never ask for
    #: more threads than there are cores (None: every usable core, one worker).
    predict_threads: int | None = None

    def api_key(self) -> str | None:
        """The key requests must send, read from ``api_key_env`` (None when no key is required)."""
        if self.api_key_env is None:
            return None
        key = os.environ.get(self.api_key_env, "")
        if not key.strip():
            raise ConfigError(
                f"--api-key-env {self.api_key_env}: the environment variable {self.api_key_env} "
                f"is not set or empty; set it to the key clients must send"
            )
        return key


class _OutputError(Exception):
    """The model's output for some records is not finite."""


def _predict(model: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
    import pandas as pd

    known = set(map(str, model.feature_names_in_))
    empty = next((i for i, record in enumerate(records) if not known & set(record)), None)
    if empty is not None:  # some keys absent are missing values; none present is not a record of this model
        shown = ", ".join(sorted(known)[:10]) + (", ..." if len(known) > 10 else "")
        raise DataError(f"records[{empty}] has none of the columns of the schema the model was fitted with ({shown})")
    frame = pd.DataFrame(records)  # one row per record
    absent = [c for c in model.feature_names_in_ if c not in frame.columns]  # a key no record has: missing values
    if absent:
        frame = frame.assign(**{c: None for c in absent})
    if model.task_ == "regression":
        values = model.predict(frame)
        _check_finite(values)
        return {"predictions": values.tolist()}
    proba = model.predict_proba(frame)
    _check_finite(proba)
    labels = model.labels_from_proba(proba)  # as predict, in one pass
    return {
        "predictions": labels.tolist(),
        "classes": model.classes_.tolist(),
        "probabilities": proba.round(6).tolist(),
    }


def _check_finite(values: np.ndarray) -> None:
    finite = np.isfinite(values) if values.ndim == 1 else np.isfinite(values).all(axis=1)
    if not finite.all():
        raise _OutputError(
            f"the model's output for records {np.flatnonzero(~finite)[:20].tolist()} is not a "
            f"finite number: their values are beyond what it can compute with"
        )


def _schema_failure(exc: SchemaError) -> JSONResponse:
    failures = exc.failures
    listed = json.loads(failures.to_json(orient="records", default_handler=str)) if failures is not None else []
    return JSONResponse(status_code=422, content={"detail": str(exc).splitlines()[0], "failures": listed})


async def _answer(model: Any, request: Request, options: ServeOptions) -> JSONResponse:
    check_media_type(request.headers.get("content-type"))
    check_encoding(request.headers.get("content-encoding"))
    body = await read_body(request.headers.get("content-length"), request.stream(), options.max_body_bytes)
    records = parse_records(body, options.max_rows)
    try:
        return JSONResponse(await run_in_threadpool(_predict, model, records))
    except SchemaError as exc:
        return _schema_failure(exc)
    except (DataError, _OutputError) as exc:
        return JSONResponse(status_code=422, content={"detail": str(exc)})
    except (ValueError, TypeError, ArithmeticError) as exc:  # a library refusing values the schema let through
        return JSONResponse(
            status_code=422, content={"detail": f"the model cannot predict these records: {type(exc).__name__}: {exc}"}
        )


def _require_key(api_key: str):
    """A dependency refusing (401) a request without ``api_key`` as a bearer token or ``X-API-Key``."""
    bearer = HTTPBearer(auto_error=False, description="the API key as a bearer token")
    header = APIKeyHeader(name="X-API-Key", auto_error=False, description="the API key")
    expected = api_key.encode()

    def require_key(
        credentials: HTTPAuthorizationCredentials | None = Depends(bearer), key: str | None = Depends(header)
    ) -> None:
        given = key if key is not None else credentials.credentials if credentials is not None else None
        if given is None or not hmac.compare_digest(given.encode("latin-1"), expected):  # headers come as latin-1
            raise RequestError(
                401, "a valid API key is required: send it as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"
            )

    return require_key


def _add_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and ``/redoc`` with their scripts and styles from this server."""
    from importlib.resources import files

    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    try:
        assets = Path(str(files("fastapi_offline") / "static"))
    except ModuleNotFoundError:
        raise AutoMLError(
            "the interactive docs need fastapi-offline: pip install 'automl-core[serve]', or serve with --no-docs"
        ) from None
    app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None},
        )  # no badge from a validator site

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,
        )


def create_app(
    model: Any,
    metadata: dict,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    api_key: str | None = None,
    show_metadata: bool = True,
    docs: bool = True,
) -> FastAPI:
    """The FastAPI application serving a fitted model; ``metadata`` is what ``GET /metadata``
    returns (when ``show_metadata``); with ``api_key``, ``/predict`` and ``/metadata`` require it."""
    options = ServeOptions(max_rows=max_rows, max_body_bytes=max_body_bytes, metadata=show_metadata, docs=docs)
    try:  # warm up: the plugin manager is built before any request
        model.predict(model.reference_.head(1))
    except Exception:  # noqa: BLE001 - a warm-up only: each request reports its own failure
        pass
    app = FastAPI(
        title="automl model",
        version=str(metadata.get("versions", {}).get("automl-core") or "unknown"),
        description=f"{metadata.get('task')} model predicting {metadata.get('target')!r}",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.add_exception_handler(
        RequestError,
        lambda request, exc: JSONResponse(
            status_code=exc.status,
            content={"detail": exc.detail},
            headers={"WWW-Authenticate": "Bearer"} if exc.status == 401 else None,
        ),
    )
    guarded = [Depends(_require_key(api_key))] if api_key else []
    body_schema = {"content": {"application/json": {"schema": PredictRequest.model_json_schema()}}, "required": True}

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok", "task": model.task_, "max_rows": max_rows, "max_body_bytes": max_body_bytes}

    if show_metadata:

        @app.get("/metadata", dependencies=guarded)
        def get_metadata() -> dict:
            return metadata

    @app.post("/predict", dependencies=guarded, openapi_extra={"requestBody": body_schema})
    async def predict(request: Request) -> JSONResponse:
        try:
            return await _answer(model, request, options)
        except RequestError:
            raise
        except Exception as exc:  # a fault of the model or a plugin: said as JSON, the server keeps serving
            return JSONResponse(status_code=500, content={"detail": f"{type(exc).__name__}: {exc}"})

    if docs:
        _add_docs(app)
    return app


def _load(path: str | os.PathLike, trusted: Iterable[str]) -> tuple[Any, dict]:
    from ..estimator import AutoML
    from ..package import read_package

    stored = read_package(path, trusted=trusted)
    return AutoML.from_fitted(stored.params, stored.learned), stored.metadata


def app_from_options(path: str | os.PathLike, options: ServeOptions) -> FastAPI:
    """The application for the package at ``path`` served with ``options``."""
    model, metadata = _load(path, options.trusted)
    if options.predict_threads is not None and model.n_jobs is None:
        model.set_params(n_jobs=options.predict_threads)
    return create_app(
        model,
        metadata,
        max_rows=options.max_rows,
        max_body_bytes=options.max_body_bytes,
        api_key=options.api_key(),
        show_metadata=options.metadata,
        docs=options.docs,
    )


def app_from_environment() -> FastAPI:
    """The application of one ``--workers`` process: the package and options the parent put in
    ``$AUTOML_SERVE_MODEL`` and ``$AUTOML_SERVE_OPTIONS`` (each worker loads the package itself)."""
    options = json.loads(os.environ[ENV_OPTIONS])
    return app_from_options(os.environ[ENV_MODEL], ServeOptions(**{**options, "trusted": tuple(options["trusted"])}))


def serve(
    path: str | os.PathLike,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    trusted: Iterable[str] = (),
    api_key_env: str | None = None,
    metadata: bool = True,
    docs: bool = True,
    workers: int = 1,
) -> None:
    """Load the package at ``path`` and serve it until interrupted, in ``workers`` processes."""
    import uvicorn

    options = ServeOptions(max_rows, max_body_bytes, tuple(trusted), api_key_env, metadata, docs)
    app = app_from_options(path, options)  # loaded here too, so that a bad package or key fails before any worker
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="info")
        return
    del app
    from ..workers import usable_cores

    options = replace(options, predict_threads=max(1, usable_cores() // workers))
    os.environ[ENV_MODEL] = str(Path(path).expanduser().resolve())
    os.environ[ENV_OPTIONS] = json.dumps(asdict(options))
    uvicorn.run(
        f"{__name__}:app_from_environment", factory=True, host=host, port=port, workers=workers, log_level="info"
    )
