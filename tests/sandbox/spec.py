"""Validate sandbox responses against the Intervals.icu OpenAPI document (``data/intervals-openapi.json``, a
verbatim copy of ``shared/intervals-openapi.json``, sha256 df1761bf…).

The spec is springdoc output and looser than the live API in known ways; the validator adapts it, and each
adaptation is listed here so nothing else is silently forgiven:
- every response is declared under ``*/*``: that media type's schema is used;
- no property is ``nullable`` although the API returns explicit nulls (reference §1): every nested value may
  be null (the response root may not);
- ``oneOf`` of schemas without required fields (``getActivity``: Activity | ActivityWithIntervals | Hidden)
  can never match exactly one: read as ``anyOf``;
- ``ActivityStream.data``/``data2`` are declared ``object`` but are arrays of values (reference §4): any type;
- ``additionalProperties: {type: object}`` is springdoc's rendering of Java ``Map<String, Object>``
  (``workout_doc``, DELETE answers): any value.

Besides types, ``undeclared_keys`` finds top-level fields a record has that its schema does not declare, so
the sandbox cannot drift into inventing fields; known real-but-undeclared fields are listed in ``EXTRA_OK``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SPEC_PATH = Path(__file__).parent / "data" / "intervals-openapi.json"
_DROP = {
    "nullable",
    "discriminator",
    "example",
    "xml",
    "externalDocs",
    "readOnly",
    "writeOnly",
    "deprecated",
    "format",
    "description",
}

# Fields the real API returns that the spec does not declare (reference §5), or our documented extras.
EXTRA_OK: dict[str, set[str]] = {
    "Event": {"paired_activity_id"},
    "Hidden": set(),
    "PowerCurve": set(),
    "DataCurve": {"watts_per_kg", "powerModels", "paceModels", "type"},
}


def _convert(node: Any, nullable: bool = True) -> Any:
    if isinstance(node, list):
        return [_convert(x) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for k, v in node.items():
        if k in _DROP:
            continue
        if k == "$ref":
            out["$ref"] = v.replace("#/components/schemas/", "#/$defs/")
        elif k == "properties":
            out[k] = {pk: _convert(pv) for pk, pv in v.items()}
        elif k == "oneOf":
            out["anyOf"] = [_convert(x) for x in v]
        elif k == "additionalProperties" and v == {"type": "object"}:
            out[k] = {}  # springdoc's Map<String, Object>: any value (workout_doc, DELETE answers)
        elif k in ("items", "additionalProperties") and isinstance(v, dict):
            out[k] = _convert(v)
        else:
            out[k] = v
    if nullable:
        if "$ref" in out:
            return {"anyOf": [{"$ref": out.pop("$ref")}, {"type": "null"}], **out}
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if "anyOf" in out:
            out["anyOf"] = [*out["anyOf"], {"type": "null"}]
    return out


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text("utf-8"))  # type: ignore[no-any-return]


@cache
def _defs() -> dict[str, Any]:
    defs = {
        name: _convert(schema, nullable=False) for name, schema in spec()["components"]["schemas"].items()
    }
    for name in ("data", "data2"):
        defs["ActivityStream"]["properties"][name] = {}
    return defs


def operation(method: str, path: str) -> dict[str, Any]:
    try:
        return spec()["paths"][path][method.lower()]  # type: ignore[no-any-return]
    except KeyError:
        raise AssertionError(f"{method} {path} is not in the spec") from None


def response_schema(method: str, path: str, status: int) -> dict[str, Any] | None:
    responses = operation(method, path)["responses"]
    resp = responses.get(str(status)) or responses.get("default")
    if resp is None:
        raise AssertionError(f"{method} {path}: status {status} not declared")
    content = resp.get("content") or {}
    media = content.get("*/*") or content.get("application/json")
    return None if media is None else media.get("schema")


def param_names(method: str, path: str) -> set[str]:
    return {p["name"] for p in operation(method, path).get("parameters", []) if p["in"] == "query"}


def validate(method: str, path: str, status: int, body: Any) -> None:
    """Raise AssertionError if ``body`` does not match the spec's response schema for this operation."""
    schema = response_schema(method, path, status)
    if schema is None:
        return
    assert body is not None, f"{method} {path}: null body"
    full = {"$defs": _defs(), **_convert(schema, nullable=False)}
    validator = jsonschema.Draft202012Validator(full)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    errors = [jsonschema.exceptions.best_match([e]) if not e.context else _deepest(e) for e in errors]
    if errors:
        lines = [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:200]}" for e in errors[:10]]
        raise AssertionError(f"{method} {path} does not match the spec:\n" + "\n".join(lines))


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For anyOf failures, the sub-error that got furthest (skipping the always-failing null branch)."""
    candidates = [
        c for c in error.context or [] if c.validator != "type" or "null" not in str(c.validator_value)
    ]
    if not candidates:
        return error
    best = max(candidates, key=lambda c: len(c.absolute_path))
    return _deepest(best) if best.context else best


def declared(schema_name: str) -> set[str]:
    return set(spec()["components"]["schemas"][schema_name].get("properties", {}))


def undeclared_keys(record: dict[str, Any], *schema_names: str) -> set[str]:
    """Top-level keys of ``record`` declared by none of ``schema_names`` (nor allowed by ``EXTRA_OK``)."""
    allowed: set[str] = set()
    for name in schema_names:
        allowed |= declared(name) | EXTRA_OK.get(name, set())
    return set(record) - allowed
