"""One helper turns any template into a PDF response. The template extends print/base.html, the
single print layout (header, 'Page X of Y' footer, printed by and at).

Long documents (the 500-case OSHA 300 log) are printed as parts plus a frame (`pdf_long_response`):
the parts are the content without page furniture, laid out side by side in worker processes and kept
(web/pdf_cache.py), so a part that has not changed is never laid out again; the frame is print/base.html's
header and footer on as many empty pages, stamped over the parts (web/pdf_stamp.py). A document whose every
page starts with the same block (the 300 log's establishment line and column headings) can have it laid
out once as a running head (`running_head`), stamped under each page: the parts then leave its room empty
and lay out only their rows (for the log, a fifth less work)."""

from __future__ import annotations

import asyncio
import mimetypes
import threading
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
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


def warm_in_background() -> threading.Thread:
    """Load WeasyPrint, Pango and the fonts in this process too (it lays out short PDFs, the frames and
    running heads of long ones), so that the first print after start does not wait for them."""

    def warm() -> None:
        html_document("<p>warm</p>").write_pdf()
        pdf_cache.part_key("warm", "")  # reads the print stylesheets once

    thread = threading.Thread(target=warm, daemon=True, name="warm-printing")
    thread.start()
    return thread


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


@lru_cache(maxsize=32)
def running_head(html: str) -> tuple[bytes, tuple[float, float]]:
    """The running head printed by `html` (print/base.html with `print_head`: the title and head on page
    1, the head alone on page 2), and where the content starts below it on the first page and on every
    other, in CSS px from the top of the sheet (the parts' `print_head_tops`). Kept per head: a site's
    log prints the same head all year."""
    document = html_document(html).render()
    tops = tuple(round(_content_top(page._page_box), 3) for page in document.pages)
    if len(tops) != 2:
        raise ValueError(f"a running head prints on 2 pages, this one on {len(tops)}")
    return document.write_pdf(), (tops[0], tops[1])


def _content_top(page_box: Any) -> float:
    """The bottom of the page's head. When the head ends with a table (column headings), the content
    starts half a border above its lower grid line: the content's table, with the same cell borders,
    then draws its top line exactly on the head's bottom line. WeasyPrint's box tree is not public API
    (pyproject pins the versions): tests/incidents/test_osha_pdf_parts.py checks the alignment."""
    from weasyprint.formatting_structure import boxes

    head = next(box for box in page_box.descendants() if _has_class(box, "print-head"))
    tables = [box for box in head.descendants() if isinstance(box, boxes.TableBox)]
    if not tables:
        return head.position_y + head.margin_height()
    table = tables[-1]
    rows = [row for group in table.children for row in group.children]
    half_border = rows[0].position_y - table.position_y
    return rows[-1].position_y + rows[-1].height - half_border


def _has_class(box: Any, name: str) -> bool:
    element = getattr(box, "element", None)
    return element is not None and name in (element.get("class") or "").split()


def long_pdf_htmls(
    template: str, context: dict[str, Any], parts: Sequence[dict[str, Any]], *, head: bool
) -> tuple[list[str], bytes | None]:
    """The parts' HTML and, with `head`, the running head's PDF (the parts leave room for it)."""
    if not head:
        return part_htmls(template, context, parts), None
    head_pdf, tops = running_head(render_string(template, {**context, "print_head": True}))
    return part_htmls(template, {**context, "print_head_tops": tops}, parts), head_pdf


def render_frame(context: dict[str, Any], pages: int) -> bytes:
    """print/base.html's header and footer ("Page X of Y", printed by and at) on `pages` empty pages."""
    return render_pdf_bytes("print/base.html", {**context, "print_frame_pages": pages})


async def render_long_pdf(
    document: str,
    template: str,
    context: dict[str, Any],
    parts: Sequence[dict[str, Any]],
    *,
    head: bool = False,
    expected_pages: int | None = None,
) -> bytes:
    """`document` names what the parts belong to (see web/pdf_cache.py), e.g. "osha300:<site>:<year>";
    `head`: the template has a `page_head` block, printed once as the running head of every page.
    The frame needs only the page count: given the count to expect, it is laid out while the parts
    are (and again should they print more pages, e.g. a form page too long for one sheet)."""
    htmls, head_pdf = await anyio.to_thread.run_sync(
        lambda: long_pdf_htmls(template, context, parts, head=head)
    )
    early = (
        asyncio.create_task(asyncio.to_thread(render_frame, context, expected_pages))
        if expected_pages
        else None
    )
    try:
        laid_out = await pdf_cache.laid_out(document, htmls)
    finally:
        frame = await _frame_or_none(early)
    total = sum(pages for _data, pages in laid_out)

    def finish() -> bytes:
        fitting = frame if total == expected_pages else None
        return pdf_stamp.stamp(
            fitting or render_frame(context, total), [data for data, _pages in laid_out], head=head_pdf
        )

    return await anyio.to_thread.run_sync(finish)


async def _frame_or_none(early: asyncio.Task[bytes] | None) -> bytes | None:
    """The frame laid out early, if any; a failure shows again when it is laid out once more."""
    if early is None:
        return None
    try:
        return await early
    except Exception:
        return None


async def pdf_long_response(
    request: Request,
    template: str,
    title: str,
    filename: str,
    *,
    document: str,
    parts: Sequence[dict[str, Any]],
    head: bool = False,
    expected_pages: int | None = None,
    **context: Any,
) -> Response:
    """`pdf_response` for a long document: `template` is rendered once per part, with `context`
    updated by that part's dict (e.g. its run of form pages); see the module's docstring."""
    ctx = print_context(request, title, **context)
    data = await render_long_pdf(document, template, ctx, parts, head=head, expected_pages=expected_pages)
    return _pdf(data, filename)


def warm_long_pdf(
    request: Request,
    template: str,
    title: str,
    *,
    document: str,
    parts: Sequence[dict[str, Any]],
    head: bool = False,
    **context: Any,
) -> None:
    """Start laying out the parts of a long PDF the user is likely to print next (no waiting)."""
    ctx = print_context(request, title, **context)
    pdf_cache.warm(document, lambda: long_pdf_htmls(template, ctx, parts, head=head)[0])
