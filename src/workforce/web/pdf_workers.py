"""Worker processes that lay out the parts of a long PDF side by side.

WeasyPrint's layout is pure Python, so threads would take turns on the GIL; processes use every core.
Only an HTML string goes to a worker and PDF bytes come back: the worker has its own fetcher and fonts."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

#: One per core, at most two (the production box has two).
PART_WORKERS = max(1, min(2, os.cpu_count() or 1))
#: A worker collects its garbage once idle this long (seconds): not between the parts of one print.
COLLECT_WHEN_IDLE = 0.1
#: ... or before laying out more when this many objects were allocated since (about four parts, ~90 MB).
COLLECT_AFTER = 500_000

_idle_collection: threading.Timer | None = None


def render_content(html: str) -> tuple[bytes, int]:
    """Runs in a worker (top level, so a spawned process can import it): the PDF and its page count.
    A layout leaves some 20 MB of reference cycles; collecting them costs a sixth of the layout's time,
    so a worker collects when it has nothing to do (see `_start_worker`), not while a print waits."""
    from workforce.web.pdf import html_document

    global _idle_collection
    if _idle_collection is not None:
        _idle_collection.cancel()
    if gc.get_count()[0] > COLLECT_AFTER:
        gc.collect()
    try:
        document = html_document(html).render()
        return document.write_pdf(), len(document.pages)
    finally:
        _idle_collection = threading.Timer(COLLECT_WHEN_IDLE, gc.collect)
        _idle_collection.daemon = True
        _idle_collection.start()


def _start_worker() -> None:
    """A worker only prints. It ends with the app process: uvicorn ends itself by re-raising SIGTERM,
    which skips the executor's own clean-up, and a worker would wait for work forever.
    It loads WeasyPrint, Pango and the fonts once, not in the first request. Its collector runs only
    when called (`render_content`): WeasyPrint makes millions of short-lived objects, and automatic
    collections during a layout scanned them over and over."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="exit-with-app").start()
    render_content("<p>warm</p>")
    # Everything loaded so far lives as long as the worker: out of the collector's sight, so that a
    # collection scans the layouts' own objects only, not the whole of Python, the app and WeasyPrint.
    gc.collect()
    gc.freeze()
    gc.disable()


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()  # returns when the parent process has ended, however it ended
    os._exit(0)


_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _get_pool() -> ProcessPoolExecutor:
    """One pool per app process, started on first use and kept: starting a worker costs a second."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=PART_WORKERS,
                mp_context=multiprocessing.get_context("spawn"),  # never fork a process with threads
                initializer=_start_worker,
            )
        return _pool


def submit(html: str) -> Future[tuple[bytes, int]]:
    """Lay out `html` in a worker. A pool whose worker died (killed, out of memory) is replaced once.
    The future knows its pool (`future.pool`), so a failure discards that pool and not a fresh one."""
    pool = _get_pool()
    try:
        future = pool.submit(render_content, html)
    except BrokenProcessPool:
        _discard(pool)
        pool = _get_pool()
        future = pool.submit(render_content, html)
    future.pool = pool  # type: ignore[attr-defined]
    return future


def _discard(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def start() -> None:
    """Start every worker now (each spawn loads WeasyPrint and the fonts, about a second), not on the
    first long print. Spawned workers start one per task given while none is idle, hence one task each."""
    pool = _get_pool()
    for _ in range(PART_WORKERS):
        pool.submit(gc.collect)


def discard(pool: ProcessPoolExecutor | None) -> None:
    """A future of `pool` answered BrokenProcessPool: the next `submit` starts a fresh pool (if `pool` is
    still the current one; a pool started since is kept)."""
    if pool is not None:
        _discard(pool)


def shutdown() -> None:
    """On app shutdown: stop the workers and drop queued work."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
