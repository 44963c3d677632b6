"""The shipped schemas must accept what real accounts send, not only what the sandbox happens to hold.

A property typed only ``null`` was inferred from data where that field was always empty (the sandbox has no
blood pressure, no menstrual phase, no wellness comments...). A real account with a value there would get
"does not match its schema; nothing written" and lose its export, so no field may be typed ``null`` alone.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from icucoach.mirror.files import schema

GOLDEN = Path(__file__).parent / "golden" / "athlete0"

SCHEMAS = ("latest", "history", "intervals", "routes", "ftp_history")


def _null_only(node: Any, path: str) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") in ("null", ["null"]):
            found.append(path)
        for key, value in node.items():
            found += _null_only(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _null_only(value, f"{path}[{i}]")
    return found


@pytest.mark.parametrize("name", SCHEMAS)
def test_each_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    """``files.validate`` builds its validators without re-checking the schemas (that was most of its
    cost); this is where they are checked."""
    jsonschema.Draft202012Validator.check_schema(schema(name))


@pytest.mark.parametrize("name", SCHEMAS)
def test_no_field_is_typed_null_only(name: str) -> None:
    text = resources.files("icucoach.mirror").joinpath(f"schemas/{name}.schema.json").read_text()
    assert _null_only(json.loads(text), "") == []


def test_real_values_in_fields_the_sandbox_leaves_empty_validate() -> None:
    doc = json.loads((GOLDEN / "latest.json").read_text())
    props = schema("latest")["properties"]
    wellness = {"comments": "legs heavy", "systolic": 118, "diastolic": 76, "menstrual_phase": "LUTEAL"}
    jsonschema.validate({**doc["wellness_data"][0], **wellness}, props["wellness_data"]["items"])
    activity = {**doc["recent_activities"][0], "carbs_used": 60, "carbs_ingested": 45}
    jsonschema.validate(activity, props["recent_activities"]["items"])
