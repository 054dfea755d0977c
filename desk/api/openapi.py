"""The OpenAPI schema says what the desk really sends.

FastAPI documents every request error as its own `HTTPValidationError`; the desk answers
them as a `Problem` (`{"error": ..., "detail": [...]}`, see desk/api/app.py). Clients
generated from the schema, and schemathesis, hold the desk to what the schema says.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from desk.api.schemas import Problem

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def document_problems(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    response = operation.get("responses", {}).get("422")
                    if response is not None:
                        response["content"] = {"application/json": {"schema": _PROBLEM_REF}}
            for unused in ("HTTPValidationError", "ValidationError"):
                components.pop(unused, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi
