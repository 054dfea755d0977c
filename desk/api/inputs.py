"""The base of every request body the desk reads.

A NUL character is valid JSON (`\\u0000`) but no text a person writes, and PostgreSQL
cannot store it in a text column: refused here with a 422 that says so, rather than failing
later as a database error.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, field_validator


class Input(BaseModel):
    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("must not contain a NUL character (\\u0000)")
        return value
