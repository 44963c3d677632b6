"""The base of every API model: wire field names, unknown fields kept, explicit nulls tolerated.

Intervals.icu returns every property, ``null`` included, and adds fields over time. So every model
``extra="allow"``s (unknown fields survive a round trip and are reachable as attributes), declares its fields
optional, and types list fields ``list[...] | None``: an explicit ``null`` stays ``None`` instead of crashing;
``list_of(name)`` and the per-model accessors give ``[]`` for code that just wants to iterate.
Field names are the API's own (``sportSettings``, ``icu_training_load``, ``_note`` via an alias).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class ApiModel(BaseModel):
    """Base for Intervals.icu request/response bodies."""

    model_config = ConfigDict(
        extra="allow",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        protected_namespaces=(),
        arbitrary_types_allowed=False,
    )

    def __repr_args__(self) -> Any:
        # compact reprs: only fields that carry a value (secrets stay masked by SecretStr)
        for key, value in super().__repr_args__():
            if value is not None:
                yield key, value

    def list_of(self, name: str) -> list[Any]:
        """The list field (declared or extra) ``name``, ``[]`` when it is missing or an explicit null."""
        value = getattr(self, name, None)
        return list(value) if isinstance(value, list | tuple) else []

    def get(self, name: str, default: Any = None) -> Any:
        """A declared or extra field by its wire name; ``default`` when absent or null."""
        if name in type(self).model_fields:
            value = getattr(self, name)
        else:
            value = (self.model_extra or {}).get(name)
            if value is None:
                for fname, finfo in type(self).model_fields.items():
                    if finfo.alias == name:
                        value = getattr(self, fname)
                        break
        return default if value is None else value

    def to_api(self, *, exclude_none: bool = False) -> dict[str, Any]:
        """The JSON body for a request: wire names, only the fields that were set."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude_none=exclude_none)


__all__ = ["ApiModel"]
