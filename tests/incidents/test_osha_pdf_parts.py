"""The long 300 Log PDF printed as parts laid out side by side and kept, under one frame
(web.pdf.pdf_long_response): one global "Page X of Y", the form's headings and page totals on every
sheet, privacy cases masked, parts that have not changed never laid out again, and numbering that stays
right when a part prints more pages than its form pages."""

import io
import re
import time
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from tests.conftest import count_layouts, login, make_user, run
from tests.incidents.helpers import make_plant
from tests.incidents.test_osha_forms import YEAR, record_cases
from workforce.incidents import osha_log, routes_osha
from workforce.web import pdf, pdf_stamp
from workforce.web.tables import PrintedPart

SPECS = {  # the column each kind of case lands in, with K = 4 days away and L = 2 restricted days
    "H": {"days_away": 4},
    "I": {"restricted_days": 2},
    "J": {"treatments": ["wound_closure"]},
    "privacy": {"needlestick_contaminated": True},  # column J, name masked (1904.29(b)(7))
}
PRIVACY = {n for n in range(60) if n % 7 == 3}


def COLUMN(n: int) -> str:  # noqa: N802 - reads like the table above
    return "J" if n in PRIVACY else "HIJ"[n % 3]


HEADINGS = ("(A) Case no.", "(B) Employee's name", "(F) Describe injury", "(G) Death", "(M6) All other")


def page_texts(data: bytes) -> list[str]:
    # Narrow columns wrap and hyphenate (U+2010) their headings: compare on flattened text.
    return [
        " ".join(p.extract_text().split()).replace("\u2010 ", "") for p in PdfReader(io.BytesIO(data)).pages
    ]


def test_chunks_start_at_fixed_places():
    assert pdf.chunks(list(range(5)), 2) == [[0, 1], [2, 3], [4]]
    assert pdf.chunks(list(range(6)), 2)[:2] == pdf.chunks(list(range(5)), 2)[:2]  # growth touches the tail
    assert pdf.chunks([], 2) == [[]]


def _long_log(client, monkeypatch, specs: list[dict], employees: int) -> tuple[dict, list[str]]:
    """`specs` recorded as cases, printed in parts of 2 form pages, a safety lead (Sofia Lindqvist) signed
    in; returns the plant and the HTML of every part sent to a print worker."""
    plant = make_plant(employees=employees)
    record_cases(plant, specs)
    monkeypatch.setattr(routes_osha, "LOG_PARTS_FROM_CASES", 20)
    monkeypatch.setattr(routes_osha, "LOG_PAGES_PER_PART", 2)
    sent = count_layouts(monkeypatch)
    make_user("sofia", ["safety"], full_name="Sofia Lindqvist")
    login(client, "sofia")
    return plant, sent


def test_long_log_prints_in_parts_with_global_page_numbers(client, monkeypatch):
    # One employee per case: a privacy case's name appears nowhere else.
    specs = [SPECS["privacy" if n in PRIVACY else COLUMN(n)] for n in range(60)]
    plant, sent = _long_log(client, monkeypatch, specs, employees=60)

    url = f"/osha/300.pdf?site={plant['sites']['RIV']}&year={YEAR}"
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert len(sent) == 3  # form pages 1-2, 3-4 and 5, side by side
    assert run(PrintedPart.count()) == 3
    texts = page_texts(r.content)
    assert len(texts) == 5  # 60 cases, 13 lines a page
    assert PdfReader(io.BytesIO(r.content)).metadata.title.startswith("OSHA Form 300: Log")
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of 5" in text, (n, text[-80:])
        assert "Printed by Sofia Lindqvist at" in text  # the frame: who printed, on every sheet
        assert "Riverside" in text.split("(A) Case no.")[0]  # the header: organisation and site
        for heading in HEADINGS:
            assert heading in text, (n, heading)
        assert text.count("Page totals") == 1
    assert texts[0].count("OSHA Form 300: Log of Work-Related Injuries and Illnesses") == 2  # header + title
    assert all(t.count("OSHA Form 300: Log of Work-Related") == 1 for t in texts[1:])  # header only
    # Every page's totals come from its own 13 lines: G H I J, K L (days), M1-M6.
    for n, text in enumerate(texts):
        cols = [COLUMN(i) for i in range(13 * n, min(60, 13 * n + 13))]
        h, i, j = cols.count("H"), cols.count("I"), cols.count("J")
        assert f"Page totals 0 {h} {i} {j} {4 * h} {2 * i} {len(cols)} 0 0 0 0 0" in text, n
    flat = " ".join(texts)
    cols = [COLUMN(i) for i in range(60)]
    h, i, j = cols.count("H"), cols.count("I"), cols.count("J")
    year_totals = f"Totals for {YEAR} (all pages; carry to Form 300A) 0 {h} {i} {j} {4 * h} {2 * i} 60 0 0"
    assert year_totals in texts[-1]
    assert all(f"Totals for {YEAR}" not in t for t in texts[:-1])
    assert "Keep for 5 years" in texts[-1] and all("Keep for 5 years" not in t for t in texts[:-1])
    # Privacy cases: "Privacy case" instead of the name; ordinary cases keep theirs.
    assert flat.count("Privacy case") >= len(PRIVACY)
    for n in range(60):
        assert bool(re.search(rf"RIVLast{n + 1}\b", flat)) is (n not in PRIVACY), n
    for n in range(1, 61):
        assert f"{YEAR}-{n:03d}" in flat


def test_printing_again_lays_out_only_the_parts_that_changed(client, monkeypatch):
    plant, sent = _long_log(client, monkeypatch, [SPECS["J"]] * 30, employees=40)  # 3 form pages
    url = f"/osha/300.pdf?site={plant['sites']['RIV']}&year={YEAR}"

    first = page_texts(client.get(url).content)
    assert len(sent) == 2
    make_user("omar", ["compliance"], full_name="Omar Haddad")
    login(client, "omar")
    again = page_texts(client.get(url).content)
    assert len(sent) == 2  # every part came from the table
    assert len(again) == 3 and all("Printed by Omar Haddad at" in t for t in again)
    assert [t.split("Printed by")[0] for t in again] == [t.split("Printed by")[0] for t in first]

    # Case 31, the next number, lands on form page 3: only the last part changes.
    record_cases(plant, [SPECS["H"]])
    grown = page_texts(client.get(url).content)
    assert len(sent) == 3 and "(all pages; carry to Form 300A) 0 1 0 30" in grown[-1]
    assert grown[0].split("Printed by")[0] == again[0].split("Printed by")[0]


def _three_page_log(client, monkeypatch) -> tuple[dict, list[str]]:
    return _long_log(client, monkeypatch, [SPECS["J"]] * 27, employees=30)


def test_opening_the_long_log_lays_out_its_pdf_in_the_background(client, monkeypatch):
    plant, sent = _three_page_log(client, monkeypatch)
    assert client.get(f"/osha/300?site={plant['sites']['RIV']}&year={YEAR}").status_code == 200
    deadline = time.monotonic() + 60
    while run(PrintedPart.count()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(sent) == 2 and run(PrintedPart.count()) == 2
    r = client.get(f"/osha/300.pdf?site={plant['sites']['RIV']}&year={YEAR}")
    assert r.status_code == 200 and len(page_texts(r.content)) == 3
    assert len(sent) == 2  # printed from the warm-up's parts


def test_the_frame_must_match_the_content_page_for_page():
    one = pdf.render_pdf_bytes("print/base.html", {**_log_context(1), "print_frame_pages": 1})
    with pytest.raises(ValueError, match="frame has 1 pages, content 2"):
        pdf_stamp.stamp(one, [one, one])
    portrait = pdf.render_pdf_bytes("print/base.html", {**_log_context(1), "orientation": "portrait"})
    with pytest.raises(ValueError, match="page 1: frame is"):
        pdf_stamp.stamp(one, [portrait])


def _log_context(cases: int, description: str = "laceration, left hand, sheet edge") -> dict:
    lines = [
        {
            "case_number": f"{YEAR}-{n + 1:03d}",
            "privacy": False,
            "name": f"Worker {n + 1}",
            "job_title": "Operator II",
            "date": date(YEAR, 1 + n % 12, 1 + n % 28),
            "where": "Riverside Assembly, line 1, Station 2",
            "description": description,
            "column": "J",
            "days_away": 0,
            "restricted_days": 0,
            "type_column": "M1",
        }
        for n in range(cases)
    ]
    return {
        "site": {"id": 1, "name": "Riverside Assembly", "code": "RIV"},
        "year": YEAR,
        "lines": lines,
        "totals": osha_log.totals(lines),
        "year_data": {"establishment_name": "Riverside Assembly", "city": "Joliet", "state": "IL"},
        "document_title": "OSHA Form 300",
        "printed_by": "Tester",
        "printed_at": datetime(2026, 1, 5, 9, 30).astimezone(),
        "paper_size": "A4",
        "organisation": "Test plant",
        "orientation": "landscape",
        "site_name": "Riverside Assembly",
        "pages": osha_log.log_pages(lines, 13),
    }


def test_numbering_follows_the_pages_actually_printed(db):
    # Long descriptions make each 13-line form page spill onto a second sheet: the frame laid out early
    # for one sheet a form page is made again for the pages the parts really printed, so "Page X of Y"
    # still counts every sheet, and the running head (headings) is on the continuation sheets too.
    ctx = _log_context(26, description="crushed finger between die and stripper plate " * 12)
    parts = [{"pages": [p]} for p in ctx.pop("pages")]
    data = run(
        pdf.render_long_pdf(
            "osha300:test", "incidents/osha300_print.html", ctx, parts, head=True, expected_pages=2
        )
    )
    texts = page_texts(data)
    assert len(texts) > 2
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of {len(texts)}" in text
        assert "(A) Case no." in text and "(M6) All other" in text


def text_positions(data: bytes) -> list[dict[str, tuple[float, float]]]:
    """Per page, where each run of text starts (x, y in points), heads and parts drawn as form XObjects
    included."""
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        found: dict[str, tuple[float, float]] = {}

        def visit(text, cm, tm, _font, _size, found=found):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.setdefault(text.strip(), (x, y))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_long_log_under_its_running_head_prints_like_the_log_in_one_piece(db, monkeypatch, paper):
    # The headings are laid out once and stamped under every page; each part leaves their room empty.
    # Every heading, case line and total must land where the log printed in one piece puts it.
    sent = count_layouts(monkeypatch)
    ctx = {**_log_context(30), "paper_size": paper}
    pages = ctx.pop("pages")
    whole = pdf.render_pdf_bytes("incidents/osha300_print.html", {**ctx, "pages": pages})
    parts = [{"pages": [p]} for p in pages]
    long = run(
        pdf.render_long_pdf(
            "osha300:test", "incidents/osha300_print.html", ctx, parts, head=True, expected_pages=3
        )
    )
    assert all("(A) Case no." not in html and "print-head-space" not in html for html in sent)
    expected, printed = text_positions(whole), text_positions(long)
    assert len(expected) == len(printed) == 3
    for n, (want, got) in enumerate(zip(expected, printed, strict=True)):
        assert set(want) == set(got), n
        assert "(A) Case no." in " ".join(want) and f"{YEAR}-{13 * n + 1:03d}" in " ".join(want), n
        # The footer's "Printed by" sits a third of a point lower: the frame has the print layout's
        # font size, not the log's smaller one (incidents.css), around its margin box.
        moved = {
            t: (want[t], got[t])
            for t in want
            if max(abs(a - b) for a, b in zip(want[t], got[t], strict=True)) > 0.2
            and not t.startswith("Printed by")
        }
        assert moved == {}, (n, moved)


def test_a_running_head_is_measured_once_and_knows_where_content_starts():
    ctx = _log_context(1)
    html = pdf.render_string("incidents/osha300_print.html", {**ctx, "print_head": True})
    head, (first, other) = pdf.running_head(html)
    assert len(PdfReader(io.BytesIO(head)).pages) == 2
    assert first > other > 0  # page 1 carries the title above the headings
    assert pdf.running_head(html)[0] is head  # kept: a site's log prints the same head all year
    with pytest.raises(ValueError, match="head is"):
        portrait = pdf.render_pdf_bytes("print/base.html", {**ctx, "orientation": "portrait"})
        frame = pdf.render_frame(ctx, 1)
        pdf_stamp.stamp(frame, [frame], head=portrait)


def test_a_print_during_the_warm_up_waits_for_its_parts(client, monkeypatch):
    plant, sent = _three_page_log(client, monkeypatch)
    assert client.get(f"/osha/300?site={plant['sites']['RIV']}&year={YEAR}").status_code == 200
    r = client.get(f"/osha/300.pdf?site={plant['sites']['RIV']}&year={YEAR}")  # warm-up still running
    assert r.status_code == 200 and len(page_texts(r.content)) == 3
    assert len(sent) == 2  # each part laid out once
