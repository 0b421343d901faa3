"""One helper turns any template into a PDF response. The template extends print/base.html, the
single print layout (header, 'Page X of Y' footer, printed by and at)."""

from __future__ import annotations

import mimetypes
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import anyio.to_thread
from litestar import Request, Response

from workforce.settings import ROOT, get_settings
from workforce.web.responses import base_context
from workforce.web.templating import render_string

STATIC = (ROOT / "static").resolve()


def _local_fetcher():
    """WeasyPrint may load our own static files and nothing else: no network at print time."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)  # inline images (e.g. incident photos) are local too
            path = unquote(urlparse(url).path)
            # "/static/x" from a template, or an absolute file path under static/ from a relative link
            raw = STATIC / path.removeprefix("/static/") if path.startswith("/static/") else Path(path)
            target = raw.resolve()
            if not target.is_relative_to(STATIC) or not target.is_file():
                raise ValueError(f"refusing to load {url!r} while printing")
            mime, _ = mimetypes.guess_type(str(target))
            return URLFetcherResponse(
                url, body=target.read_bytes(), headers={"Content-Type": mime or "application/octet-stream"}
            )

    return LocalFetcher()


def render_pdf_bytes(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported late: it pulls in Pango, needed only when printing

    html = render_string(template, context)
    return HTML(string=html, base_url=str(STATIC) + "/", url_fetcher=_local_fetcher()).write_pdf()


def print_context(request: Request, title: str, **extra: Any) -> dict[str, Any]:
    ctx = base_context(request)
    user = ctx["user"]
    settings = get_settings()
    ctx.update(
        document_title=title,
        printed_by=user.display_name if user else "system",
        printed_at=datetime.now().astimezone(),
        paper_size=extra.pop("paper_size", None) or settings.paper_size,
        organisation=extra.pop("organisation", None) or settings.organisation,
        orientation=extra.pop("orientation", "portrait"),
        for_print=True,
    )
    ctx.update(extra)
    return ctx


async def pdf_response(
    request: Request, template: str, title: str, filename: str, **context: Any
) -> Response:
    """Render in a worker thread: a long document must not stall every other request."""
    ctx = print_context(request, title, **context)
    data = await anyio.to_thread.run_sync(render_pdf_bytes, template, ctx)
    return Response(
        content=data,
        media_type="application/pdf",
        headers={"content-disposition": f'inline; filename="{filename}"'},
    )
