"""What every endpoint mixin of ``IntervalsClient`` shares: the transport, athlete-id resolution, typed GETs,
and turning caller input (models, mappings, dates) into request bodies and query values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import pydantic

from icucoach.intervals.config import ClientSettings, normalize_athlete_id
from icucoach.intervals.errors import ValidationError
from icucoach.intervals.localtime import date_param, format_local
from icucoach.intervals.models.base import ApiModel
from icucoach.intervals.transport import Transport, segment

DateLike = date | datetime | str


class ApiBase:
    """Holds the transport; mixins add the endpoint methods."""

    settings: ClientSettings
    _t: Transport

    def _aid(self, athlete_id: str | int | None) -> str:
        """The athlete id segment for a path: the call's, else the settings' (``0`` = the key's owner)."""
        return segment(
            normalize_athlete_id(athlete_id) if athlete_id is not None else self.settings.athlete_id
        )

    async def _get(
        self,
        tp: Any,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        resource: str | None = None,
        timeout: float | None = None,
    ) -> Any:
        data = await self._t.request("GET", path, params=params, resource=resource, timeout=timeout)
        return self._t.parse(tp, data, "GET", path)

    async def _send(
        self,
        method: str,
        tp: Any,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        resource: str | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        data = await self._t.request(
            method, path, params=params, json_body=body, resource=resource, idempotent=idempotent
        )
        return data if tp is None else self._t.parse(tp, data, method, path)


def dparam(value: DateLike | None) -> str | None:
    """A date query parameter (``date``, ``datetime`` or ``YYYY-MM-DD``); ValueError on anything else."""
    return None if value is None else date_param(value)


def csv(values: str | Iterable[Any] | None) -> str | None:
    """Comma-joined list parameter (a single string passes through)."""
    if values is None:
        return None
    if isinstance(values, str):
        return values
    items = [str(v) for v in values]
    return ",".join(items) if items else None


def jsonable(value: Any) -> Any:
    """A JSON-ready copy of caller input: models by wire name (set fields only), dates as local strings."""
    if isinstance(value, ApiModel):
        return value.to_api()
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return format_local(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def body_as(model: type[ApiModel], value: ApiModel | Mapping[str, Any]) -> dict[str, Any]:
    """Validate caller input as ``model`` (e.g. ``EventEx``) and return the wire body of the fields given."""
    if isinstance(value, model):
        return value.to_api()
    raw = jsonable(value) if isinstance(value, ApiModel) else value
    try:
        return model.model_validate(raw).to_api()
    except pydantic.ValidationError as exc:
        errors = exc.errors()
        field = (".".join(str(p) for p in errors[0]["loc"]) or None) if errors else None
        raise ValidationError(
            f"Invalid {model.__name__} field {field!r}: {errors[0]['msg'] if errors else 'invalid value'}",
            field=field,
            hint=f"Fix '{field}' before sending.",
        ) from None


__all__ = ["ApiBase", "DateLike", "body_as", "csv", "dparam", "jsonable"]
