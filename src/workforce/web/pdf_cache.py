"""Laid-out parts of long PDFs, kept so that printing never lays out again a part that has not changed.

A part is keyed by a hash of its HTML and of the print styles, so any change to the data, a template or
a stylesheet makes a new key: nothing is ever invalidated by hand. Parts hold no per-print data (who,
when, page numbers): web/pdf_stamp.py adds those. Parts missing from the table are laid out in the worker
processes (web/pdf_workers.py); a part already being laid out (another print, or a warm-up started when
the screen page was opened) is waited for, not laid out twice."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from workforce.db import is_unique_violation
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


def part_key(html: str) -> str:
    return hashlib.sha256(_styles_fingerprint().encode() + b"\0" + html.encode()).hexdigest()


def _layout(key: str, html: str) -> Future[tuple[bytes, int]]:
    """The running layout of `key`, or a new one in a worker. It stays listed until its result is
    stored (`_release`): a print arriving between the two must not lay the part out again."""
    with _inflight_lock:
        running = _inflight.get(key)
        if running is not None:
            return running
        future = pdf_workers.submit(html)
        _inflight[key] = future
        return future


def _release(keys: Iterable[str]) -> None:
    """Stored, or failed: the next print reads the table or tries again."""
    with _inflight_lock:
        for key in keys:
            _inflight.pop(key, None)


async def _await_layout(key: str, html: str) -> tuple[bytes, int]:
    try:
        return await asyncio.wrap_future(_layout(key, html))
    except BrokenProcessPool:
        # A worker died (killed, out of memory): a fresh pool gets one more try at this part.
        log.warning("print worker died; laying out part %s again", key[:12])
        pdf_workers.discard_broken()
        return await asyncio.wrap_future(_layout(key, html))


async def _stored(keys: Sequence[str]) -> dict[str, tuple[bytes, int]]:
    rows = await PrintedPart.select(PrintedPart.key, PrintedPart.pdf, PrintedPart.pages).where(
        PrintedPart.key.is_in(list(set(keys)))
    )
    if rows:  # a log printed every month stays kept, however old its data
        now = datetime.now(UTC)
        await PrintedPart.update({PrintedPart.used_at: now}).where(
            PrintedPart.key.is_in([r["key"] for r in rows]) & (PrintedPart.used_at < now - TOUCH_AFTER)
        )
    return {r["key"]: (bytes(r["pdf"]), r["pages"]) for r in rows}


async def _store(new: dict[str, tuple[bytes, int]]) -> None:
    await PrintedPart.delete().where(PrintedPart.used_at < datetime.now(UTC) - KEEP_FOR)
    for key, (data, pages) in new.items():
        try:
            await PrintedPart.insert(PrintedPart(key=key, pdf=data, pages=pages))
        except Exception as exc:  # another print stored the same part first: same bytes, keep theirs
            if not is_unique_violation(exc):
                raise


async def laid_out(htmls: Sequence[str]) -> list[tuple[bytes, int]]:
    """Each part's PDF and page count, in order: stored ones read back, the others laid out side by
    side in the workers and stored."""
    started = time.perf_counter()
    keys = [part_key(h) for h in htmls]
    found = await _stored(keys)
    missing = {k: h for k, h in zip(keys, htmls, strict=True) if k not in found}
    if missing:
        with _inflight_lock:
            joined = sum(k in _inflight for k in missing)
        try:
            results = await asyncio.gather(*(_await_layout(k, h) for k, h in missing.items()))
            new = dict(zip(missing, results, strict=True))
            await _store(new)
        finally:
            _release(missing)
        found.update(new)
        log.info(
            "%d parts: %d stored, %d laid out (%d already running) in %.2f s",
            len(keys),
            len(keys) - len(missing),
            len(missing),
            joined,
            time.perf_counter() - started,
        )
    return [found[k] for k in keys]


def warm(htmls: Sequence[str]) -> None:
    """Start laying out the parts not stored yet, without waiting (the screen page of a long document
    calls this, so that the PDF is ready when the user asks for it)."""

    async def run() -> None:
        try:
            await laid_out(htmls)
        except Exception:  # a warm-up is only a head start; printing will report real errors
            log.exception("warming printed parts failed")

    task = asyncio.get_running_loop().create_task(run())
    _background.add(task)
    task.add_done_callback(_background.discard)


async def shutdown() -> None:
    """App shutdown: cancel warm-ups still running, stop the workers."""
    for task in list(_background):
        task.cancel()
    await asyncio.gather(*_background, return_exceptions=True)
    pdf_workers.shutdown()
