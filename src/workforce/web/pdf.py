"""One helper turns any template into a PDF response. The template extends print/base.html, the
single print layout (header, 'Page X of Y' footer, printed by and at).

Long documents (the 500-case OSHA 300 log) are printed as parts plus a frame (`pdf_long_response`):
the parts are the content without page furniture, laid out side by side in worker processes and kept
(web/pdf_cache.py), so a part that has not changed is never laid out again; the frame is print/base.html's
header and footer on as many empty pages, stamped over the parts (web/pdf_stamp.py)."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import anyio.to_thread
from litestar import Request, Response

from workforce.settings import ROOT, get_settings
from workforce.web import pdf_cache, pdf_stamp
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


def html_document(html: str):
    from weasyprint import HTML  # imported late: it pulls in Pango, needed only when printing

    return HTML(string=html, base_url=str(STATIC) + "/", url_fetcher=_local_fetcher())


def render_pdf_bytes(template: str, context: dict[str, Any]) -> bytes:
    return html_document(render_string(template, context)).write_pdf()


# ---------------------------------------------------------------- responses


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


def _pdf(data: bytes, filename: str) -> Response:
    return Response(
        content=data,
        media_type="application/pdf",
        headers={"content-disposition": f'inline; filename="{filename}"'},
    )


async def pdf_response(
    request: Request, template: str, title: str, filename: str, **context: Any
) -> Response:
    """Render in a worker thread: a long document must not stall every other request."""
    ctx = print_context(request, title, **context)
    data = await anyio.to_thread.run_sync(render_pdf_bytes, template, ctx)
    return _pdf(data, filename)


def chunks(items: Sequence[Any], size: int) -> list[list[Any]]:
    """`items` in consecutive runs of `size` (the last may be shorter). Runs start at fixed places, so
    adding an item at the end changes only the last run: the others are printed from the cache."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)] or [[]]


def part_htmls(template: str, context: dict[str, Any], parts: Sequence[dict[str, Any]]) -> list[str]:
    """Each part's HTML: `template` with `context` updated by the part, without page furniture, and the
    document's title on the first part only."""
    return [
        render_string(template, {**context, **part, "print_part": True, "print_title": n == 0})
        for n, part in enumerate(parts)
    ]


def render_frame(context: dict[str, Any], pages: int) -> bytes:
    """print/base.html's header and footer ("Page X of Y", printed by and at) on `pages` empty pages."""
    return render_pdf_bytes("print/base.html", {**context, "print_frame_pages": pages})


async def render_long_pdf(
    document: str, template: str, context: dict[str, Any], parts: Sequence[dict[str, Any]]
) -> bytes:
    """`document` names what the parts belong to (see web/pdf_cache.py), e.g. "osha300:<site>:<year>"."""
    htmls = await anyio.to_thread.run_sync(part_htmls, template, context, parts)
    laid_out = await pdf_cache.laid_out(document, htmls)
    total = sum(pages for _data, pages in laid_out)

    def finish() -> bytes:
        return pdf_stamp.stamp(render_frame(context, total), [data for data, _pages in laid_out])

    return await anyio.to_thread.run_sync(finish)


async def pdf_long_response(
    request: Request,
    template: str,
    title: str,
    filename: str,
    *,
    document: str,
    parts: Sequence[dict[str, Any]],
    **context: Any,
) -> Response:
    """`pdf_response` for a long document: `template` is rendered once per part, with `context`
    updated by that part's dict (e.g. its run of form pages); see the module's docstring."""
    ctx = print_context(request, title, **context)
    return _pdf(await render_long_pdf(document, template, ctx, parts), filename)


def warm_long_pdf(
    request: Request,
    template: str,
    title: str,
    *,
    document: str,
    parts: Sequence[dict[str, Any]],
    **context: Any,
) -> None:
    """Start laying out the parts of a long PDF the user is likely to print next (no waiting)."""
    ctx = print_context(request, title, **context)
    pdf_cache.warm(document, lambda: part_htmls(template, ctx, parts))
