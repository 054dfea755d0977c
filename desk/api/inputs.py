"""The base of every request body the desk reads.

A NUL character is valid JSON (`\\u0000`) but no text a person writes, and PostgreSQL
cannot store it in a text column: refused here with a 422 that says so, rather than failing
later as a database error. The JSON schema of every such body says so too (a `pattern` on
each of its texts), so that a client built from the OpenAPI schema never sends one.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, GetJsonSchemaHandler, field_validator
from pydantic_core import CoreSchema

NO_NUL = "^[^\\u0000]*$"


class Input(BaseModel):
    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("must not contain a NUL character (\\u0000)")
        return value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> dict:
        schema = handler(core_schema)
        for field in handler.resolve_ref_schema(schema).get("properties", {}).values():
            _state_no_nul(field)
        return schema


def _state_no_nul(schema: dict) -> None:
    """Give every free text in `schema` (not an enum, not already a pattern) the NUL-free pattern."""
    for branch in schema.get("anyOf", []):
        _state_no_nul(branch)
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        _state_no_nul(schema["items"])
    if schema.get("type") == "string" and not {"pattern", "enum", "const"} & schema.keys():
        schema["pattern"] = NO_NUL
