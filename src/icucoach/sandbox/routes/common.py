"""Helpers every route module shares: JSON in/out, query parameters, body validation against the spec's field
types, ``fields=`` filtering, ``{ext}`` handling, CSV output and the athlete's local "today".

Body validation uses ``spec_fields.json`` (the property types of the request/response schemas, extracted from
the Intervals.icu OpenAPI document) so invalid bodies get a 422 with a message naming the field, as the real
server does, without the app needing the spec at run time.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from starlette.convertors import CONVERTOR_TYPES, Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response

from icucoach.sandbox.errors import ApiError, bad_param, missing_param, not_found, unprocessable
from icucoach.sandbox.world import AthleteStore, Json, World

JSON_TYPE = "application/json"


class ExtConvertor(Convertor[str]):
    """``{ext:ext}`` / ``{format:ext}``: an optional ``.suffix`` glued to the previous path segment."""

    regex = r"(?:\.[A-Za-z0-9]+)?"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


if "ext" not in CONVERTOR_TYPES:
    register_url_convertor("ext", ExtConvertor())


class FastJSON(Response):
    media_type = JSON_TYPE

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def ok(data: Any, status: int = 200) -> Response:
    return FastJSON(data, status)


def empty_ok() -> Response:
    """200 with no body (e.g. ``PUT wellness-bulk``)."""
    return Response(b"", 200)


def world_of(request: Request) -> World:
    return request.app.state.world  # type: ignore[no-any-return]


# --- request bodies -----------------------------------------------------------------------------------------


async def read_json(request: Request, kind: type = dict) -> Any:
    """The JSON body: 400 (framework shape) if it does not parse, 422 if it is not a ``kind``."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else None
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Bad Request") from None
    if not isinstance(body, kind):
        expected = "an object" if kind is dict else "an array"
        raise unprocessable(f"Request body must be {expected}")
    if isinstance(body, list) and not all(isinstance(x, dict) for x in body):
        raise unprocessable("Request body must be an array of objects")
    return body


@cache
def spec_fields() -> dict[str, dict[str, Any]]:
    text = resources.files("icucoach.sandbox").joinpath("spec_fields.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def validate_body(schema: str, body: Json, *, unknown: str = "ignore") -> None:
    """422 if a known field has the wrong JSON type or enum value; ``unknown="reject"`` refuses others."""
    fields = spec_fields()[schema]
    for name, value in body.items():
        kind = fields.get(name)
        if kind is None:
            if unknown == "reject":
                raise unprocessable(f"Unknown field '{name}'")
            continue
        if value is None:
            continue
        if isinstance(kind, list):  # ["enum", *values]
            if value not in kind[1:]:
                raise unprocessable(
                    f"Invalid value for '{name}': {value!r} (expected one of {', '.join(kind[1:])})"
                )
            continue
        allowed = _PY_TYPES.get(kind, (object,))
        if isinstance(value, bool) and bool not in allowed:
            raise unprocessable(f"Invalid value for '{name}': expected {kind}")
        if kind == "integer" and isinstance(value, float) and value.is_integer():
            body[name] = int(value)
            continue
        if not isinstance(value, allowed):
            raise unprocessable(f"Invalid value for '{name}': expected {kind}")


def full_record(schema: str, values: Json) -> Json:
    """Every property of ``schema`` (null when absent), then ``values``: how the API returns records."""
    out: Json = dict.fromkeys(spec_fields()[schema])
    out.update(values)
    return out


def parse_local_date(value: str, name: str = "date") -> date:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise unprocessable(f"Invalid {name} '{value}' (expected YYYY-MM-DD)") from None


def parse_local_datetime(value: str, name: str) -> str:
    """Normalise ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS]`` to a local wall-clock string without offset."""
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat() + "T00:00:00"
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise unprocessable(f"Invalid {name} '{value}'") from None
    return dt.replace(tzinfo=None, microsecond=0).isoformat()


# --- query parameters ---------------------------------------------------------------------------------------


def q_required(request: Request, name: str) -> str:
    value = request.query_params.get(name)
    if value is None or value == "":
        raise missing_param(name)
    return value


def q_list(request: Request, name: str) -> list[str] | None:
    """A comma-separated (or repeated) list parameter; None when absent."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    return [p.strip() for v in values for p in v.split(",") if p.strip()]


def q_int(request: Request, name: str, default: int | None = None) -> int | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise bad_param(name, value, "int") from None


def q_float(request: Request, name: str, default: float | None = None) -> float | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise bad_param(name, value, "double") from None


def q_bool(request: Request, name: str, default: bool = False) -> bool:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("true", "1", "yes", "on"):
        return True
    if value.lower() in ("false", "0", "no", "off"):
        return False
    raise bad_param(name, value, "boolean")


def check_ext(ext: str, allowed: tuple[str, ...] = ("", ".json")) -> str:
    """``{ext}``/``{format}`` path suffix: "" and ".json" (plus ".csv" where the API has it); else 404."""
    if ext not in allowed:
        raise not_found()
    return ext


def pick_fields(row: Json, fields: list[str] | None) -> Json:
    """``fields=a,b`` keeps only those fields and drops nulls (as the API does); no list = the whole row."""
    if not fields:
        return row
    return {k: row[k] for k in fields if row.get(k) is not None}


def csv_response(rows: list[Json], columns: list[str] | None = None, filename: str = "data.csv") -> Response:
    if columns is None:
        columns = []
        for row in rows:
            for k in row:
                if k not in columns:
                    columns.append(k)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return Response(
        buf.getvalue(),
        200,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return value


# --- time ---------------------------------------------------------------------------------------------------


def athlete_today(world: World, store: AthleteStore) -> date:
    """The athlete's local "today": the world's today (the generator ends history on the athlete's today)."""
    return world.today


def date_window(
    request: Request, oldest_default: date | None, newest_default: date | None, *, required: bool = False
) -> tuple[str, str]:
    """``oldest``/``newest`` as comparable local strings (inclusive; a bare date covers the whole day)."""
    oldest = q_required(request, "oldest") if required else request.query_params.get("oldest")
    newest = request.query_params.get("newest")
    lo = _bound(oldest, "oldest") if oldest else (oldest_default.isoformat() if oldest_default else "0000")
    hi = _bound(newest, "newest") if newest else (newest_default.isoformat() if newest_default else "9999")
    if len(hi) == 10:
        hi += "T99"  # inclusive: every time of that day sorts below "T99"
    return lo, hi


def _bound(value: str, name: str) -> str:
    if len(value) == 10:
        parse_local_date(value, name)
        return value
    return parse_local_datetime(value, name)


def days_after(d: date, n: int) -> date:
    return d + timedelta(days=n)
