"""Laid-out parts of long PDFs, kept so that printing never lays out again a part that has not changed.

A part is keyed by a hash of its HTML and of the print styles, so any change to the data, a template or
a stylesheet makes a new key. Parts hold no per-print data (who, when, page numbers): web/pdf_stamp.py adds
those. Each part belongs to a document (e.g. the 300 log of one site and year): when a document is printed
or warmed, its parts of earlier states are dropped (they may hold what no longer belongs on it, such as the
name of what became a privacy case), and `forget` drops them all at once.

Parts missing from the table are laid out in the worker processes (web/pdf_workers.py); a part already being
laid out (another print, or a warm-up started when the screen page was opened) is waited for, not laid out
twice. Keeping parts is best effort: a failed write is logged and the print still answers."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from workforce.settings import ROOT
from workforce.web import pdf_workers
from workforce.web.tables import PrintedPart

#: Parts not printed for this long are dropped when new ones are stored; a later print lays them out again.
KEEP_FOR = timedelta(days=90)
#: A part's last use is written at most this often (not on every print).
TOUCH_AFTER = timedelta(days=1)

log = logging.getLogger(__name__)

_inflight: dict[str, Future[tuple[bytes, int]]] = {}
_inflight_lock = threading.Lock()
_background: set[asyncio.Task] = set()


@lru_cache(maxsize=1)
def _styles_fingerprint() -> str:
    """The print styles and the WeasyPrint version: a new stylesheet must not reuse old layouts."""
    import weasyprint

    digest = hashlib.sha256(weasyprint.__version__.encode())
    for css in sorted((ROOT / "static" / "css").glob("*.css")):
        digest.update(css.name.encode() + b"\0" + css.read_bytes())
    return digest.hexdigest()


def part_key(document: str, html: str) -> str:
    """Per document: two documents never share (and so never drop) each other's parts."""
    head = f"{_styles_fingerprint()}\0{document}\0".encode()
    return hashlib.sha256(head + html.encode()).hexdigest()


def _layout(key: str, html: str) -> tuple[Future[tuple[bytes, int]], bool]:
    """The running layout of `key`, or a new one in a worker (then True: the caller releases it once
    stored, see `_release`; until then a print arriving in between joins it instead of starting again)."""
    with _inflight_lock:
        running = _inflight.get(key)
        if running is not None:
            return running, False
        future = pdf_workers.submit(html)
        _inflight[key] = future
        return future, True


def _forget_failed(key: str, future: Future) -> None:
    with _inflight_lock:
        if _inflight.get(key) is future:
            del _inflight[key]


def _release(owned: dict[str, Future]) -> None:
    """Stored, or failed: the next print reads the table or tries again."""
    with _inflight_lock:
        for key, future in owned.items():
            if _inflight.get(key) is future:
                del _inflight[key]


async def _await_layout(key: str, html: str, owned: dict[str, Future]) -> tuple[bytes, int]:
    future, mine = _layout(key, html)
    if mine:
        owned[key] = future
    try:
        # shield: a cancelled print must not cancel a layout that a warm-up or another print waits for
        return await asyncio.shield(asyncio.wrap_future(future))
    except BrokenProcessPool:
        # A worker died (killed, out of memory): a fresh pool gets one more try at this part.
        log.warning("print worker died; laying out part %s again", key[:12])
        _forget_failed(key, future)
        pdf_workers.discard(getattr(future, "pool", None))
        future, mine = _layout(key, html)
        if mine:
            owned[key] = future
        return await asyncio.shield(asyncio.wrap_future(future))


async def _stored(keys: Sequence[str], *, with_data: bool) -> dict[str, tuple[bytes, int] | None]:
    columns = [PrintedPart.key, PrintedPart.pages] + ([PrintedPart.pdf] if with_data else [])
    rows = await PrintedPart.select(*columns).where(PrintedPart.key.is_in(list(set(keys))))
    if rows:  # a log printed every month stays kept, however old its data
        now = datetime.now(UTC)
        await PrintedPart.update({PrintedPart.used_at: now}).where(
            PrintedPart.key.is_in([r["key"] for r in rows]) & (PrintedPart.used_at < now - TOUCH_AFTER)
        )
    return {r["key"]: (bytes(r["pdf"]), r["pages"]) if with_data else None for r in rows}


async def _store(document: str, keys: Sequence[str], new: dict[str, tuple[bytes, int]]) -> None:
    """Keep the new parts; drop the document's parts of earlier states and parts unused for long."""
    try:
        await PrintedPart.delete().where(
            (PrintedPart.used_at < datetime.now(UTC) - KEEP_FOR)
            | ((PrintedPart.document == document) & PrintedPart.key.not_in(list(keys)))
        )
        if new:  # another print may have stored the same part first: same bytes, keep theirs
            rows = [PrintedPart(key=k, document=document, pdf=data, pages=n) for k, (data, n) in new.items()]
            await PrintedPart.insert(*rows).on_conflict(target=PrintedPart.key, action="DO NOTHING")
    except Exception:
        log.exception("keeping printed parts of %s failed; printing goes on without them", document)


async def laid_out(document: str, htmls: Sequence[str], *, with_data: bool = True) -> list[tuple[bytes, int]]:
    """Each part's PDF and page count, in order: stored ones read back, the others laid out side by
    side in the workers and stored. (`with_data=False`, for warm-ups: answers nothing.)"""
    started = time.perf_counter()
    # hashing the first part loads WeasyPrint (the styles fingerprint): off the event loop
    keys = await asyncio.to_thread(lambda: [part_key(document, h) for h in htmls])
    found = await _stored(keys, with_data=with_data)
    missing = {k: h for k, h in zip(keys, htmls, strict=True) if k not in found}
    owned: dict[str, Future] = {}
    if missing:
        try:
            results = await asyncio.gather(*(_await_layout(k, h, owned) for k, h in missing.items()))
            new = dict(zip(missing, results, strict=True))
            await _store(document, keys, new)
        finally:
            _release(owned)
        found.update(new)
        log.info(
            "%s: %d parts, %d stored, %d laid out (%d already running) in %.2f s",
            document,
            len(keys),
            len(keys) - len(missing),
            len(missing),
            len(missing) - len(owned),
            time.perf_counter() - started,
        )
    else:
        await _store(document, keys, {})
    return [found[k] for k in keys] if with_data else []


def warm(document: str, render_htmls: Callable[[], list[str]]) -> None:
    """Start laying out the parts not stored yet, without waiting (the screen page of a long document
    calls this, so that the PDF is ready when the user asks for it). `render_htmls()` makes the parts'
    HTML; it runs in a thread, not on the event loop."""

    async def run() -> None:
        try:
            htmls = await asyncio.to_thread(render_htmls)
            await laid_out(document, htmls, with_data=False)
        except Exception:  # a warm-up is only a head start; printing will report real errors
            log.exception("warming printed parts of %s failed", document)

    task = asyncio.get_running_loop().create_task(run())
    _background.add(task)
    task.add_done_callback(_background.discard)


async def forget(document: str) -> None:
    """Drop every kept part of `document` (e.g. a case on it became a privacy case: 1904.29(b)(6))."""
    await PrintedPart.delete().where(PrintedPart.document == document)


async def shutdown() -> None:
    """App shutdown: cancel warm-ups still running, stop the workers."""
    for task in list(_background):
        task.cancel()
    await asyncio.gather(*_background, return_exceptions=True)
    pdf_workers.shutdown()
