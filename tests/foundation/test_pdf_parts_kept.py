"""Long PDFs (web/pdf.py, pdf_cache.py, pdf_stamp.py, pdf_workers.py): parts are kept by a hash of their
HTML, read back instead of laid out again, touched when used, dropped when unused for long or superseded
in their document; a dead worker is replaced and the part laid out again; a failed write of kept parts
does not fail the print; the frame stamped over them carries who printed, when, and "Page X of Y"."""

import asyncio
import dataclasses
import io
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime, timedelta

from pypdf import PdfReader

from tests.conftest import count_layouts, run
from workforce.web import pdf, pdf_cache, pdf_workers
from workforce.web.tables import PrintedPart

CONTEXT = {
    "document_title": "Test document",
    "printed_by": "Ada Tester",
    "printed_at": datetime(2026, 3, 4, 5, 6).astimezone(),
    "paper_size": "A4",
    "organisation": "Test plant",
    "orientation": "portrait",
}
# print/base.html alone: a part is its title (shown on the first part only), one page each.
PARTS = [{"document_title": f"Part {n}"} for n in range(3)]


def _render(parts: list[dict], document: str = "test:doc") -> list[str]:
    data = run(pdf.render_long_pdf(document, "print/base.html", CONTEXT, parts))
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_parts_are_kept_read_back_and_framed(db, monkeypatch):
    sent = count_layouts(monkeypatch)
    pages = _render(PARTS)
    assert len(sent) == 3 and run(PrintedPart.count()) == 3
    assert len(pages) == 3
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} of 3" in text and "Printed by Ada Tester at 2026-03-04 05:06" in text
    assert "Part 0" in pages[0] and "Part 1" not in pages[1]
    assert _render(PARTS) == pages and len(sent) == 3  # read back, not laid out again


def test_unused_parts_are_dropped_used_ones_touched(db, monkeypatch):
    sent = count_layouts(monkeypatch)
    _render(PARTS[:1], "test:a")
    _render(PARTS[1:], "test:b")
    long_ago = datetime.now(UTC) - pdf_cache.KEEP_FOR - timedelta(days=1)
    run(PrintedPart.update({PrintedPart.used_at: long_ago}).where(PrintedPart.id > 0))
    _render(PARTS[:1], "test:a")  # printed again: touched, so kept
    run(pdf_cache._store("test:c", [], {}))
    assert run(PrintedPart.select(PrintedPart.document).output(as_list=True)) == ["test:a"]
    assert len(sent) == 3


def test_a_documents_earlier_parts_go_when_it_is_printed_or_forgotten(db):
    _render(PARTS, "osha300:1:2025")
    _render(PARTS, "osha300:2:2025")
    changed = [{"document_title": "Part 0, edited"}, *PARTS[1:]]
    _render(changed, "osha300:1:2025")  # part 0 changed: its earlier layout may hold what was removed
    keys = set(
        run(
            PrintedPart.select(PrintedPart.key)
            .where(PrintedPart.document == "osha300:1:2025")
            .output(as_list=True)
        )
    )
    assert len(keys) == 3
    assert run(PrintedPart.count().where(PrintedPart.document == "osha300:2:2025")) == 3
    run(pdf_cache.forget("osha300:1:2025"))
    assert run(PrintedPart.count()) == 3


def test_a_dead_worker_is_replaced_and_the_part_laid_out_again(db, monkeypatch):
    real = pdf_workers.submit
    calls = []

    def dying_once(html):
        calls.append(html)
        if len(calls) == 1:
            broken: Future = Future()
            broken.set_exception(BrokenProcessPool("a worker was killed"))
            broken.pool = None
            return broken
        return real(html)

    monkeypatch.setattr(pdf_workers, "submit", dying_once)
    pages = _render(PARTS[:1])
    assert len(calls) == 2 and "Part 0" in pages[0]
    assert not pdf_cache._inflight  # nothing left waiting


def test_a_failed_write_of_kept_parts_does_not_fail_the_print(db, monkeypatch):
    class Locked:
        def on_conflict(self, **_kwargs):
            return self

        def __await__(self):
            raise RuntimeError("database is locked")
            yield  # pragma: no cover - makes this a generator, as __await__ must be

    monkeypatch.setattr(PrintedPart, "insert", lambda *_rows: Locked())
    pages = _render(PARTS)
    assert len(pages) == 3 and run(PrintedPart.count()) == 0


def test_a_cancelled_print_does_not_cancel_a_layout_others_wait_for(db):
    html = "<p>line</p>" * 300

    async def scenario() -> tuple[bool, tuple[bytes, int]]:
        # Keep every worker busy, so the shared layout is still queued (cancellable) when the first goes.
        # (the pool also hands one task ahead to its queue: that one counts as running, not cancellable)
        busy = [pdf_workers.submit("<p>line</p>" * 2000) for _ in range(pdf_workers.PART_WORKERS + 2)]
        owned: dict = {}
        first = asyncio.ensure_future(pdf_cache._await_layout("k", html, owned))
        second = asyncio.ensure_future(pdf_cache._await_layout("k", html, {}))
        await asyncio.sleep(0.05)
        first.cancel()
        result = await second
        pdf_cache._release(owned)
        for future in busy:
            future.result()
        return first.cancelled(), result

    cancelled, (data, pages) = run(scenario())
    assert cancelled, "the cancelled print ends"
    assert data.startswith(b"%PDF") and pages > 1


def test_served_app_starts_its_print_workers_with_it(monkeypatch):
    from workforce import app as app_module
    from workforce.settings import get_settings

    pdf_workers.shutdown()
    off = dataclasses.replace(get_settings(), print_workers_at_start=False)
    monkeypatch.setattr(app_module, "get_settings", lambda: off)
    run(app_module._start_printing())
    assert pdf_workers._pool is None  # tests and one-off commands start none

    on = dataclasses.replace(off, print_workers_at_start=True)
    monkeypatch.setattr(app_module, "get_settings", lambda: on)
    warmed = []
    monkeypatch.setattr(pdf, "warm_in_background", lambda: warmed.append(True))
    run(app_module._start_printing())
    assert warmed == [True]  # the app process loads WeasyPrint at start too
    try:
        deadline = time.monotonic() + 30
        started = lambda: len(pdf_workers._pool._processes or {})  # noqa: E731
        while started() < pdf_workers.PART_WORKERS and time.monotonic() < deadline:
            time.sleep(0.1)
        assert started() == pdf_workers.PART_WORKERS
    finally:
        pdf_workers.shutdown()


def test_a_worker_collects_its_garbage_when_idle_or_when_too_much_is_left(monkeypatch):
    # Collections during a layout rescanned its millions of young objects: a worker collects after it,
    # once idle, or first when the last layouts left too many objects (web/pdf_workers.py).
    import gc

    collected = []
    monkeypatch.setattr(gc, "collect", lambda *a: collected.append(time.monotonic()) or 0)
    monkeypatch.setattr(pdf_workers, "COLLECT_WHEN_IDLE", 0.05)
    monkeypatch.setattr(pdf_workers, "COLLECT_AFTER", 10**9)
    data, pages = pdf_workers.render_content("<p>one</p>")
    assert data[:5] == b"%PDF-" and pages == 1
    pending = pdf_workers._idle_collection
    assert pending is not None and not collected
    pdf_workers.render_content("<p>two</p>")  # more work came: the pending collection is called off
    assert pending.finished.is_set() and not collected
    deadline = time.monotonic() + 5
    while not collected and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(collected) == 1  # idle after the second layout
    monkeypatch.setattr(pdf_workers, "COLLECT_AFTER", -1)
    before = len(collected)
    pdf_workers.render_content("<p>three</p>")
    assert len(collected) == before + 1  # before laying out, not waiting for idle
    pdf_workers._idle_collection.cancel()


def test_a_part_stored_meanwhile_by_another_print_is_kept_once(db):
    part = (b"%PDF-1.7 test", 1)
    run(pdf_cache._store("test:doc", ["k1", "k2"], {"k1": part}))
    run(pdf_cache._store("test:doc", ["k1", "k2"], {"k1": part, "k2": part}))  # k1 again: no error
    rows = run(PrintedPart.select(PrintedPart.key).order_by(PrintedPart.key).output(as_list=True))
    assert rows == ["k1", "k2"]


def test_warming_printing_in_the_app_process_loads_weasyprint_and_the_styles():
    pdf_cache._styles_fingerprint.cache_clear()
    thread = pdf.warm_in_background()
    thread.join(timeout=60)
    assert not thread.is_alive() and pdf_cache._styles_fingerprint.cache_info().currsize == 1
