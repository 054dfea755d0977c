"""The OpenAPI schema says what the desk really sends, and what it really accepts.

FastAPI documents every request error as its own `HTTPValidationError`; the desk answers
them as a `Problem` (`{"error": ..., "detail": [...]}`, see desk/api/app.py). Errors that
middleware answers before a route runs are added to each operation they can reach:

    400  a body that cannot be read (not UTF-8, broken form), or a Host not in `allowed_hosts`
    401  `/-/config` without the operators' token, when one is set
    403  an /api/ call from a page on a site not in `cors_origins` (desk/api/origins.py); or,
         where the operation takes `X-Conversation-Secret`, a request without it
    408  a body that did not arrive in time (desk/api/body_deadline.py)
    413  a body over `max_body_bytes` (desk/api/limits.py)

Clients generated from the schema, and schemathesis, hold the desk to what the schema says.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from desk.api import conversation_access
from desk.api.origins import GUARDED_PREFIX
from desk.api.schemas import Problem
from desk.settings import Settings

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
OPS_SCHEME = "OpsToken"
OPS_PRIVATE_PATHS = ("/-/config",)  # and /metrics, which is not in the schema (Prometheus' format)


def document_problems(app: FastAPI, settings: Settings) -> None:
    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            question = components["ChatRequest"]["properties"]["question"]
            question["maxLength"] = settings.answering.max_question_chars
            for path, operations in schema.get("paths", {}).items():
                for operation in operations.values():
                    _document_errors(path, operation, settings)
                    conversation_access.state_in_schema(path, operation)
            if settings.ops.token is not None:
                _document_ops_token(schema)
            for unused in ("HTTPValidationError", "ValidationError"):
                components.pop(unused, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi


def _document_errors(path: str, operation: dict, settings: Settings) -> None:
    responses = operation.setdefault("responses", {})
    if "422" in responses:
        responses["422"] = _problem("The request is malformed; `detail` names each field and what is wrong.")
    has_body = "requestBody" in operation
    hosts_restricted = "*" not in settings.allowed_hosts
    if has_body or hosts_restricted:
        reasons = (["the body cannot be read (not UTF-8, or a broken form)"] if has_body else []) + (
            ["the Host is not one the desk answers to"] if hosts_restricted else []
        )
        responses.setdefault("400", _problem("Bad request: " + "; or ".join(reasons) + "."))
    if path.startswith(GUARDED_PREFIX):
        secret = any(p["name"] == conversation_access.SECRET_HEADER for p in operation.get("parameters", []))
        responses.setdefault(
            "403",
            _problem(
                "The calling page's site (`Origin`) is not allowed to use the desk"
                + (f"; or `{conversation_access.SECRET_HEADER}` was not sent." if secret else ".")
            ),
        )
    if has_body:
        responses.setdefault("408", _problem("The body did not arrive in time; the connection is closed."))
        responses.setdefault("413", _problem(f"The body is larger than {settings.max_body_bytes} bytes."))


def _document_ops_token(schema: dict) -> None:
    schemes = schema["components"].setdefault("securitySchemes", {})
    schemes[OPS_SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "description": "The operators' token (`DESK_OPS__TOKEN`).",
    }
    for path in OPS_PRIVATE_PATHS:
        for operation in schema["paths"].get(path, {}).values():
            operation["security"] = [{OPS_SCHEME: []}]
            operation["responses"].setdefault("401", _problem("The operators' token is missing or wrong."))


def _problem(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _PROBLEM_REF}}}
