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


def render_content(html: str) -> tuple[bytes, int]:
    """Runs in a worker (top level, so a spawned process can import it): the PDF and its page count."""
    from workforce.web.pdf import html_document

    document = html_document(html).render()
    return document.write_pdf(), len(document.pages)


def _start_worker() -> None:
    """A worker only prints. It ends with the app process: uvicorn ends itself by re-raising SIGTERM,
    which skips the executor's own clean-up, and a worker would wait for work forever.
    WeasyPrint makes millions of short-lived objects and the collector's default thresholds spend about
    an eighth of the time scanning them: collect less often (a worker peaks near 300 MB, not 200 MB).
    Then load WeasyPrint, Pango and the fonts once, not in the first request."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="exit-with-app").start()
    gc.set_threshold(50_000, 10, 10)
    render_content("<p>warm</p>")


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
