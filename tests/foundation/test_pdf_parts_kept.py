"""Long PDFs (web/pdf.py, pdf_cache.py, pdf_stamp.py): parts are kept by a hash of their HTML, read back
instead of laid out again, touched when used and dropped when unused for long; the frame stamped over
them carries who printed, when, and "Page X of Y" over the whole."""

import io
from datetime import UTC, datetime, timedelta

from pypdf import PdfReader

from tests.conftest import run
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


def _render(parts: list[dict]) -> list[str]:
    data = run(pdf.render_long_pdf("print/base.html", CONTEXT, parts))
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_parts_are_kept_touched_and_dropped_when_unused(db, monkeypatch):
    sent: list[str] = []
    real = pdf_workers.submit
    monkeypatch.setattr(pdf_workers, "submit", lambda html: sent.append(html) or real(html))
    # print/base.html alone: a part is its title (shown on the first part only), one page each.
    parts = [{"document_title": f"Part {n}"} for n in range(3)]

    pages = _render(parts)
    assert len(sent) == 3 and run(PrintedPart.count()) == 3
    assert len(pages) == 3
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} of 3" in text and "Printed by Ada Tester at 2026-03-04 05:06" in text
    assert "Part 0" in pages[0] and "Part 1" not in pages[1]

    assert _render(parts) == pages and len(sent) == 3  # read back, not laid out again

    # A part used long ago is touched when printed again; one unused for longer than KEEP_FOR goes
    # when new parts are stored.
    long_ago = datetime.now(UTC) - pdf_cache.KEEP_FOR - timedelta(days=1)
    run(PrintedPart.update({PrintedPart.used_at: long_ago}).where(PrintedPart.id > 0))
    _render(parts[:1])
    run(pdf_cache._store({}))
    assert run(PrintedPart.count()) == 1  # part 0 was touched; parts 1 and 2 were dropped
    _render(parts)
    assert len(sent) == 5


def test_served_app_starts_its_print_workers_with_it(monkeypatch):
    import dataclasses
    import time

    from workforce import app as app_module
    from workforce.settings import get_settings

    pdf_workers.shutdown()
    off = dataclasses.replace(get_settings(), print_workers_at_start=False)
    monkeypatch.setattr(app_module, "get_settings", lambda: off)
    run(app_module._start_printing())
    assert pdf_workers._pool is None  # tests and one-off commands start none

    on = dataclasses.replace(off, print_workers_at_start=True)
    monkeypatch.setattr(app_module, "get_settings", lambda: on)
    run(app_module._start_printing())
    try:
        deadline = time.monotonic() + 30
        started = lambda: len(pdf_workers._pool._processes or {})  # noqa: E731
        while started() < pdf_workers.PART_WORKERS and time.monotonic() < deadline:
            time.sleep(0.1)
        assert started() == pdf_workers.PART_WORKERS
    finally:
        pdf_workers.shutdown()
