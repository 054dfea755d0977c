"""The API's documentation pages, `/docs` (Swagger UI) and `/redoc`, from the desk itself.

FastAPI's own pages load Swagger UI and Redoc from a CDN and start them with an inline
script: the desk's Content-Security-Policy blocks both, and the pages were blank (issue 19).
Here the assets come from the `fastapi-offline` package (Swagger UI's and Redoc's
distribution files), served under /docs/assets, and Swagger UI is started by a file of the
desk's (desk/api/static/swagger-init.js). The pages' policy allows scripts from the desk
only; styles may be inline, as both libraries set them from their scripts.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from starlette.staticfiles import StaticFiles

ASSETS_PATH = "/docs/assets"
_TITLE = "AI Act Service Desk"
_OUR_FILES = Path(__file__).resolve().parents[1] / "static"
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; base-uri 'none'; "
    "form-action 'none'"
)
_PAGE_HEADERS = {"Content-Security-Policy": DOCS_POLICY, "Cache-Control": "no-cache"}

# Relative links: the pages work where a proxy serves the desk under a path prefix.
_SWAGGER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}: API</title>
<link rel="icon" type="image/png" href="docs/assets/favicon.png">
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/swagger-init.js"></script>
</body></html>
"""
_REDOC_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}: API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="docs/assets/favicon.png">
</head><body><redoc spec-url="openapi.json"></redoc>
<script src="docs/assets/redoc.standalone.js"></script>
</body></html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return HTMLResponse(_SWAGGER_PAGE.format(title=_TITLE), headers=_PAGE_HEADERS)


@router.get("/redoc")
def redoc() -> HTMLResponse:
    return HTMLResponse(_REDOC_PAGE.format(title=_TITLE), headers=_PAGE_HEADERS)


@router.get("/docs/swagger-init.js")
def swagger_init() -> FileResponse:
    return FileResponse(_OUR_FILES / "swagger-init.js", media_type="text/javascript; charset=utf-8")


def install(app: FastAPI) -> None:
    """The pages, and the assets the `fastapi-offline` package ships, under /docs/assets."""
    app.include_router(router)
    assets = StaticFiles(directory=str(files("fastapi_offline") / "static"))
    app.mount(ASSETS_PATH, assets, name="docs-assets")
