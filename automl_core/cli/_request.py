"""What ``POST /predict`` accepts, checked before the model sees it: a JSON media type, a body
under the size limit, strict JSON (UTF-8 text, no ``NaN``/``Infinity``, no duplicate keys, no
lone surrogates, numbers a 64-bit float holds, bounded nesting) of the shape
``{"records": [{column: value, ...}, ...]}``. Anything else is a :class:`RequestError` carrying
the HTTP status (401, 413, 415 or 422) and a detail the server answers as JSON."""

from __future__ import annotations

import json
import math
import re
from collections.abc import AsyncIterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr, ValidationError

INT64 = (-(2**63), 2**63 - 1)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_BOM = b"\xef\xbb\xbf"


class RequestError(Exception):
    """A request the server refuses: ``status`` (4xx) and ``detail`` (a message or a list of errors)."""

    def __init__(self, status: int, detail: Any):
        super().__init__(detail)
        self.status, self.detail = status, detail


class PredictRequest(BaseModel):
    """The body of ``POST /predict``."""

    model_config = ConfigDict(extra="forbid")
    records: list[dict[str, StrictStr | StrictInt | StrictFloat | StrictBool | None]] = Field(
        min_length=1,
        description="one mapping of column to value per row; a value is a string, a number, a boolean or null",
    )


def check_media_type(header: str | None) -> None:
    """Refuse (415) a body declared as anything but JSON in UTF-8; an undeclared one is read as JSON."""
    if header is None or not header.strip():
        return
    media, _, params = header.partition(";")
    media = media.strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise RequestError(415, f"the body is declared as {media!r}: send JSON with Content-Type: application/json")
    charset = re.search(r"charset\s*=\s*\"?([^\";\s]+)", params, re.I)
    if charset and charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise RequestError(415, f"the body is declared in {charset.group(1)}: JSON is read as UTF-8")


def check_encoding(header: str | None) -> None:
    """Refuse (415) a compressed body: it is read as it comes."""
    if header is not None and header.strip().lower() not in ("", "identity"):
        raise RequestError(415, f"the body is sent with Content-Encoding {header.strip()[:40]!r}: send it uncompressed")


async def read_body(declared: str | None, chunks: AsyncIterator[bytes], limit: int) -> bytes:
    """The body, refused (413) as soon as it is known to exceed ``limit`` bytes."""
    if declared and declared.isdigit() and int(declared) > limit:
        raise RequestError(413, f"request body of {declared} bytes is over the limit of {limit} bytes")
    parts, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise RequestError(413, f"request body is over the limit of {limit} bytes")
        parts.append(chunk)
    return b"".join(parts)


def _no_constants(name: str) -> None:
    raise RequestError(422, f"the body holds {name}, which is not a JSON number: send null for a missing value")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for duplicate, _ in pairs:
            if duplicate in seen:
                break
            seen.add(duplicate)
        raise RequestError(422, f"the key {duplicate[:80]!r} appears twice in one object of the body")
    return result


def _decode(body: bytes) -> Any:
    """The JSON document in ``body``, strictly."""
    if body.startswith(_BOM):
        body = body[len(_BOM) :]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestError(422, f"the body is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constants)
    except RecursionError:
        raise RequestError(
            422,
            'the body nests arrays or objects too deeply; a request is {"records": [{column: value}]}, three levels',
        ) from None
    except json.JSONDecodeError as exc:
        raise RequestError(422, f"the body is not valid JSON: {exc}") from None
    except RequestError:
        raise
    except ValueError as exc:  # an integer of more digits than Python converts (4,300)
        raise RequestError(422, f"the body holds a number JSON cannot be read as: {str(exc)[:120]}") from None


def _fit_number(value: Any, where: str) -> Any:
    """A number as the model will read it: an integer beyond 64 bits as a float; one a float cannot hold refused."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not INT64[0] <= value <= INT64[1]:
        try:
            return float(value)
        except OverflowError:
            raise RequestError(
                422, f"{where}: the integer of {len(str(abs(value)))} digits does not fit a 64-bit float"
            ) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise RequestError(422, f"{where}: the number is beyond the range of a 64-bit float")
    return value


def _is_text(value: Any) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _checked_records(records: list, surrogates: bool) -> list:
    """``records`` with every number made one the model reads; a lone surrogate in a key or
    value refused (it is not text, and could not even be echoed back)."""
    checked = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            checked.append(record)  # the shape check names it
            continue
        if surrogates:
            bad = next(
                (k for k, v in record.items() if not _is_text(k) or isinstance(v, str) and not _is_text(v)), None
            )
            if bad is not None:
                where = f"the key {bad[:80]!r}" if not _is_text(bad) else f"the value of {bad[:80]!r}"
                raise RequestError(
                    422,
                    f"records[{i}]: {where} holds a lone UTF-16 surrogate (\\ud800 to \\udfff "
                    f"unpaired), which is not text",
                )
        checked.append({k: _fit_number(v, f"records[{i}].{k[:80]}") for k, v in record.items()})
    return checked


def _validation_detail(exc: ValidationError) -> list[dict]:
    """pydantic's errors without the inputs they quote (a hostile input may be huge, or deep)."""
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors(include_url=False)]


def parse_records(body: bytes, max_rows: int) -> list[dict[str, Any]]:
    """The records of a ``POST /predict`` body.

    :raises RequestError: 422 naming what is wrong with the body, 413 for more than ``max_rows`` records.
    """
    payload = _decode(body)
    surrogates = bool(_SURROGATE_ESCAPE.search(body))
    if surrogates and isinstance(payload, dict) and not all(_is_text(k) for k in payload):
        raise RequestError(
            422,
            f"the key {next(k for k in payload if not _is_text(k))[:80]!r} holds a lone UTF-16 "
            f"surrogate, which is not text",
        )
    if isinstance(payload, dict) and isinstance(payload.get("records"), list):
        records = payload["records"]
        if len(records) > max_rows:
            raise RequestError(413, f"{len(records)} records is over the limit of {max_rows} per request")
        payload = {**payload, "records": _checked_records(records, surrogates)}
    try:
        return PredictRequest.model_validate(payload).records
    except ValidationError as exc:
        raise RequestError(422, _validation_detail(exc)) from None
    except RecursionError:
        raise RequestError(422, "the body nests arrays or objects too deeply") from None


__all__ = [
    "INT64",
    "PredictRequest",
    "RequestError",
    "check_encoding",
    "check_media_type",
    "parse_records",
    "read_body",
]
