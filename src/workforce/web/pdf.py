"""One helper turns any template into a PDF response. The template extends print/base.html, the
single print layout (header, 'Page X of Y' footer, printed by and at).

Long documents (the 500-case OSHA 300 log) can be printed in parts, side by side in worker processes
(`render_pdf_parts` / `pdf_parts_response`): WeasyPrint's layout is pure Python, so threads would take
turns on the GIL; processes use every core. The parts are joined with pypdf and keep one global
"Page X of Y"."""

from __future__ import annotations

import gc
import io
import logging
import mimetypes
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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
#: Worker processes for printing in parts: one per core, at most two (the production box has two).
PART_WORKERS = max(1, min(2, os.cpu_count() or 1))

log = logging.getLogger(__name__)


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


def _html(html: str):
    from weasyprint import HTML  # imported late: it pulls in Pango, needed only when printing

    return HTML(string=html, base_url=str(STATIC) + "/", url_fetcher=_local_fetcher())


def render_pdf_bytes(template: str, context: dict[str, Any]) -> bytes:
    return _html(render_string(template, context)).write_pdf()


# ---------------------------------------------------------------- long documents in parts


def split_evenly(items: Sequence[Any], parts: int) -> list[list[Any]]:
    """`items` in at most `parts` consecutive runs whose lengths differ by one at most (no empty run)."""
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    runs, start = [], 0
    for n in range(parts):
        end = start + size + (1 if n < extra else 0)
        runs.append(list(items[start:end]))
        start = end
    return runs


def _part_css(first_page: int, total_pages: int, continuation: bool) -> str:
    """The part's page numbers: print.css counts from 1 to counter(pages) within one document, so a
    part starts its page counter at its place in the whole and prints the whole's page count.
    A user stylesheet: `!important` lets it win over print.css (an author sheet)."""
    css = (
        f'@page {{ @bottom-right {{ content: "Page " counter(page) " of {int(total_pages)}" !important; }} }}'
        f"@page :first {{ counter-reset: page {int(first_page)} !important; }}"
    )
    if continuation:
        css += ".print-title { display: none !important; }"  # print/base.html's title: once, on page 1
    return css


def _render_part(html: str, first_page: int, total_pages: int, continuation: bool) -> tuple[bytes, int]:
    """Runs in a worker process (top level, so a spawned process can import it): one part's PDF and
    its page count. Only the HTML string travels; the worker has its own fetcher and fonts."""
    from weasyprint import CSS

    document = _html(html).render(stylesheets=[CSS(string=_part_css(first_page, total_pages, continuation))])
    return document.write_pdf(), len(document.pages)


def _start_worker() -> None:
    """A worker only prints. It ends with the app process: uvicorn ends itself by re-raising SIGTERM, which
    skips the executor's own clean-up, and a worker would wait for work forever.
    WeasyPrint makes millions of short-lived objects and the collector's default thresholds spend about an
    eighth of the time scanning them: collect less often (a worker peaks near 300 MB instead of 200 MB).
    Then load WeasyPrint, Pango and the fonts once, not in the first request."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="exit-with-app").start()
    gc.set_threshold(50_000, 10, 10)
    _render_part("<p>warm</p>", 1, 1, False)


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()  # returns when the parent process has ended, however it ended
    os._exit(0)


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _part_pool() -> ProcessPoolExecutor:
    """One pool per app process, started on first use and kept: starting a worker costs a second."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=PART_WORKERS,
                mp_context=multiprocessing.get_context("spawn"),  # never fork a process with threads
                initializer=_start_worker,
            )
        return _pool


def _discard_pool(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def _render_parts(htmls: list[str], starts: list[int], total: int, which: list[int]) -> dict[int, tuple]:
    """Render the parts numbered in `which` side by side; {part: (pdf, pages)}."""

    def run(pool: ProcessPoolExecutor) -> dict[int, tuple]:
        futures = {i: pool.submit(_render_part, htmls[i], starts[i], total, i > 0) for i in which}
        return {i: f.result() for i, f in futures.items()}

    pool = _part_pool()
    try:
        return run(pool)
    except BrokenProcessPool:
        # A worker died (killed, out of memory): start a fresh pool and try this document once more.
        _discard_pool(pool)
        return run(_part_pool())


def _join_pdfs(parts: list[bytes]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for n, data in enumerate(parts):
        reader = PdfReader(io.BytesIO(data))
        if n == 0 and reader.metadata:
            writer.add_metadata(dict(reader.metadata))  # title, creator, dates of the first part
        writer.append(reader)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_pdf_parts(
    template: str,
    context: dict[str, Any],
    parts: Sequence[dict[str, Any]],
    page_counts: Sequence[int],
) -> bytes:
    """Print one long document as consecutive parts rendered in parallel worker processes, joined in
    order, with "Page X of Y" counted over the whole.

    Each part renders `template` with `context` updated by that part's dict (e.g. its slice of the
    rows); print/base.html's title shows on the first part only. `page_counts` is the number of pages
    each part is expected to print (a form with a fixed number of lines per page knows it). A part that
    prints a different number is numbered again with the real counts (a second, slower pass, logged);
    so the numbers are always right, and fast when the guess holds.
    A single part is rendered here, without workers."""
    if len(parts) != len(page_counts) or not parts:
        raise ValueError("one expected page count per part, at least one part")
    if len(parts) == 1:
        return render_pdf_bytes(template, {**context, **parts[0]})
    htmls = [render_string(template, {**context, **part}) for part in parts]
    counts = [max(1, int(n)) for n in page_counts]
    done: dict[int, tuple[bytes, int, int, int]] = {}  # part -> (pdf, pages, its first page, total)
    for attempt in (1, 2):
        starts = [1 + sum(counts[:i]) for i in range(len(counts))]
        total = sum(counts)
        which = [i for i in range(len(parts)) if i not in done or done[i][2:] != (starts[i], total)]
        for i, (data, pages) in _render_parts(htmls, starts, total, which).items():
            done[i] = (data, pages, starts[i], total)
        actual = [done[i][1] for i in range(len(parts))]
        if actual == counts:
            break
        # The numbers in the footer do not move the content, so the second pass prints the same pages.
        log.warning("%s: parts printed %s pages, expected %s (pass %d)", template, actual, counts, attempt)
        counts = actual
    return _join_pdfs([done[i][0] for i in range(len(parts))])


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


async def pdf_parts_response(
    request: Request,
    template: str,
    title: str,
    filename: str,
    parts: Sequence[dict[str, Any]],
    page_counts: Sequence[int],
    **context: Any,
) -> Response:
    """`pdf_response` for a long document printed in parts (see `render_pdf_parts`)."""
    ctx = print_context(request, title, **context)
    data = await anyio.to_thread.run_sync(render_pdf_parts, template, ctx, parts, page_counts)
    return _pdf(data, filename)
