"""The long 300 Log PDF printed in parts side by side (web.pdf.render_pdf_parts): one global "Page X of Y",
the form's headings and page totals on every sheet, privacy cases masked, and numbering that stays right
when a part prints more pages than expected."""

import io
import re
from datetime import date, datetime

from pypdf import PdfReader

from tests.conftest import login
from tests.incidents.helpers import make_plant
from tests.incidents.test_osha_forms import YEAR, record_cases
from workforce.incidents import osha_log, routes_osha
from workforce.web import pdf

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


def test_split_evenly_keeps_order_and_balances():
    assert pdf.split_evenly(list(range(5)), 2) == [[0, 1, 2], [3, 4]]
    assert pdf.split_evenly(list(range(3)), 5) == [[0], [1], [2]]
    assert pdf.split_evenly([], 2) == [[]]


def test_long_log_prints_in_parts_with_global_page_numbers(client, monkeypatch):
    plant = make_plant(employees=60)  # one employee per case: a privacy case's name appears nowhere else
    specs = [SPECS["privacy" if n in PRIVACY else COLUMN(n)] for n in range(60)]
    record_cases(plant, specs)
    monkeypatch.setattr(routes_osha, "LOG_PARTS_FROM_CASES", 20)
    calls = []
    real = pdf._render_parts
    monkeypatch.setattr(pdf, "_render_parts", lambda *a: calls.append(a[3]) or real(*a))
    login(client, "sofia", ["safety"])

    r = client.get(f"/osha/300.pdf?site={plant['sites']['RIV']}&year={YEAR}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert calls == [[0, 1]]  # two parts, each numbered right the first time
    texts = page_texts(r.content)
    assert len(texts) == 5  # 60 cases, 13 lines a page
    assert PdfReader(io.BytesIO(r.content)).metadata.title.startswith("OSHA Form 300: Log")
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of 5" in text, (n, text[-80:])
        assert f"Log page {n} of 5" in text
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


def test_parts_are_numbered_again_when_a_part_prints_more_pages_than_expected():
    ctx = _log_context(65)  # 5 form pages
    runs = pdf.split_evenly(ctx.pop("pages"), 2)  # 3 + 2
    data = pdf.render_pdf_parts("incidents/osha300_print.html", ctx, [{"pages": run} for run in runs], [1, 1])
    texts = page_texts(data)
    assert len(texts) == 5
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of 5" in text and f"Log page {n} of 5" in text


def test_a_single_part_is_the_plain_document():
    ctx = _log_context(20)
    pages = ctx.pop("pages")
    data = pdf.render_pdf_parts("incidents/osha300_print.html", ctx, [{"pages": pages}], [2])
    texts = page_texts(data)
    assert [t.count(f"Page {n} of 2") for n, t in enumerate(texts, start=1)] == [1, 1]
