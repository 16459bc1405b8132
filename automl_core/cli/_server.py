"""The REST server of ``automl serve``: FastAPI on uvicorn (the ``serve`` extra), imported only here.

* ``POST /predict`` takes ``{"records": [{"column": value, ...}, ...]}`` and answers
  ``{"predictions": [...]}``, plus ``"classes"`` and ``"probabilities"`` (one row per record,
  one column per class) for classification.
* ``GET /health`` says the model is loaded; ``GET /metadata`` returns the package's metadata.

Every request is checked before the model sees it: a body over ``max_body_bytes`` or more
than ``max_rows`` records is refused with 413; malformed JSON, a body of the wrong shape and
records that do not match the schema learned at fit are answered 422 with the reasons
(``failures``: column, check, value, row). An unexpected error is a 500 with its message;
the server keeps serving.
"""
from __future__ import annotations

import json
import os
from typing import Any, Iterable, Union

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr, ValidationError
from starlette.concurrency import run_in_threadpool

from ..errors import DataError, SchemaError

DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_BODY_BYTES = 10 * 2**20


class PredictRequest(BaseModel):
    """The body of ``POST /predict``."""

    model_config = ConfigDict(extra="forbid")
    records: list[dict[str, Union[StrictStr, StrictInt, StrictFloat, StrictBool, None]]] = Field(
        min_length=1, description="one mapping of column to value per row; a value is a string, a number, "
                                  "a boolean or null")


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"request body of {declared} bytes is over the limit of {limit} bytes")
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"request body is over the limit of {limit} bytes")
        parts.append(chunk)
    return b"".join(parts)


def _parse(body: bytes, max_rows: int) -> list[dict[str, Any]]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HTTPException(422, f"the body is not valid JSON: {exc}") from None
    if isinstance(payload, dict) and isinstance(payload.get("records"), list) and len(payload["records"]) > max_rows:
        raise HTTPException(413, f"{len(payload['records'])} records is over the limit of {max_rows} per request")
    try:
        return PredictRequest.model_validate(payload).records
    except ValidationError as exc:
        raise HTTPException(422, exc.errors(include_url=False, include_context=False)) from None


def _predict(model: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
    import pandas as pd

    frame = pd.DataFrame.from_records(records)
    absent = [c for c in model.feature_names_in_ if c not in frame.columns]  # a key no record has: missing values
    if absent:
        frame = frame.assign(**{c: None for c in absent})
    if model.task_ == "regression":
        return {"predictions": model.predict(frame).tolist()}
    proba = model.predict_proba(frame)
    labels = model.labels_from_proba(proba)  # as predict, in one pass
    return {"predictions": labels.tolist(), "classes": model.classes_.tolist(),
            "probabilities": proba.round(6).tolist()}


def _schema_failure(exc: SchemaError) -> JSONResponse:
    failures = exc.failures
    listed = json.loads(failures.to_json(orient="records")) if failures is not None else []
    return JSONResponse(status_code=422, content={"detail": str(exc).splitlines()[0], "failures": listed})


def create_app(model: Any, metadata: dict, *, max_rows: int = DEFAULT_MAX_ROWS,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> FastAPI:
    """The FastAPI application serving a fitted model; ``metadata`` is what ``GET /metadata`` returns."""
    try:  # warm up: the plugin manager is built before any request
        model.predict(model.reference_.head(1))
    except Exception:  # noqa: BLE001 - a warm-up only: each request reports its own failure
        pass
    app = FastAPI(title="automl model", version=str(metadata.get("versions", {}).get("automl-core", "")),
                  description=f"{metadata.get('task')} model predicting {metadata.get('target')!r}")
    body_schema = {"content": {"application/json": {"schema": PredictRequest.model_json_schema()}}, "required": True}

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok", "task": model.task_, "max_rows": max_rows, "max_body_bytes": max_body_bytes}

    @app.get("/metadata")
    def get_metadata() -> dict:
        return metadata

    @app.post("/predict", openapi_extra={"requestBody": body_schema})
    async def predict(request: Request):
        records = _parse(await _read_body(request, max_body_bytes), max_rows)
        try:
            return await run_in_threadpool(_predict, model, records)
        except SchemaError as exc:
            return _schema_failure(exc)
        except DataError as exc:
            return JSONResponse(status_code=422, content={"detail": str(exc)})
        except Exception as exc:  # a bad request must never take the server down
            return JSONResponse(status_code=500, content={"detail": f"{type(exc).__name__}: {exc}"})

    return app


def serve(path: str | os.PathLike, *, host: str = "127.0.0.1", port: int = 8000, max_rows: int = DEFAULT_MAX_ROWS,
          max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, trusted: Iterable[str] = ()) -> None:
    """Load the package at ``path`` and serve it until interrupted."""
    import uvicorn

    from ..estimator import AutoML
    from ..package import read_package

    stored = read_package(path, trusted=trusted)
    model = AutoML.from_fitted(stored.params, stored.learned)
    app = create_app(model, stored.metadata, max_rows=max_rows, max_body_bytes=max_body_bytes)
    uvicorn.run(app, host=host, port=port, log_level="info")
