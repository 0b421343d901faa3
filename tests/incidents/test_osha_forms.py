"""OSHA papers: the 300 Log (screen, PDF, CSV), 300A totals and certification, 301s, privacy masking
(1904.29(b)(6)-(7)), yearly figures changed only with a reason, and rates on the worked example."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from tests.conftest import login, post, run
from tests.incidents.helpers import make_incident, make_plant, person_ids
from tests.incidents.scene import SAFETY_USER
from workforce.incidents import osha_log, service_osha, service_rates
from workforce.incidents.tables import OshaYearData

YEAR = 2025


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    # Narrow columns wrap and hyphenate (U+2010) their headings: compare on flattened text.
    return " ".join(text.split()).replace("\u2010 ", "")


def record_cases(plant, specs, *, year=YEAR, site="RIV"):
    """One incident with one injured person per spec (facts overrides), classified; returns person ids."""
    people = []
    for n, extra in enumerate(specs):
        employee = plant["employees"][site][n % len(plant["employees"][site])]
        when = datetime(year, 1 + n % 12, 10, 15, 0, tzinfo=UTC)
        incident = make_incident(
            plant["sites"][site],
            kind="injury_illness",
            title=f"Case {n}",
            occurred_at=when,
            station_id=plant["stations"][site][0],
            people=[(employee, "injured")],
        )
        person = person_ids(incident)[0]
        facts = {"work_related": True, "new_case": True, "case_type": "injury", **extra}
        run(service_osha.classify_case(incident, person, facts, "", SAFETY_USER))
        people.append(person)
    return people


WORKED_EXAMPLE = (
    [{"death": True}]
    + [{"days_away": d} for d in (12, 40, 9)]
    + [{"restricted_days": d} for d in (5, 14, 3, 21)]
    + [{"treatments": ["wound_closure"]}] * 7
)


def year_figures(plant, **values):
    run(
        OshaYearData.insert(
            OshaYearData(
                **{
                    "site_id": plant["sites"]["RIV"],
                    "year": YEAR,
                    "average_employees": 380,
                    "total_hours": 760_000.0,
                    "hours_note": "Payroll",
                    **values,
                }
            )
        )
    )


def test_rates_on_the_worked_example(db):
    plant = make_plant()
    record_cases(plant, WORKED_EXAMPLE)
    year_figures(plant)
    report = run(service_rates.rates_report(plant["sites"]["RIV"], YEAR))
    assert report["counts"] == {
        "deaths": 1,
        "days_away_cases": 3,
        "restricted_cases": 4,
        "other_cases": 7,
        "recordable": 15,
        "days_away": 61,
        "restricted_days": 43,
    }
    # The notes' figures (section 14), reported with two decimals: severity 27.4 is 27.37, 20.3 is 20.33.
    assert report["rates"] == {
        "trir": 3.95,
        "dart": 1.84,
        "dafw": 0.79,
        "ltir": 0.79,
        "ltifr": 3.95,
        "severity": 27.37,
        "avg_days_away": 20.33,
    }
    assert report["hours"] == {"value": 760_000.0, "source": "entered"}
    assert len(report["trend"]) == 12 and report["trend"][-1]["rolling_12_months"]["trir"] == 3.95


def test_rates_page_shows_two_decimals_and_exact_counts_and_hours(client):
    plant = make_plant()
    record_cases(plant, WORKED_EXAMPLE)
    year_figures(plant, total_hours=760_000.5)
    login(client, "carl", ["compliance"])
    html = client.get(f"/safety/rates?site={plant['sites']['RIV']}&year={YEAR}").text
    cards = html.split('data-uitest="rates"')[1].split("</section>")[0]
    for shown in ("3.95", "1.84", "27.37", "15 (G 1, H 3, I 4, J 7)", "61 / 43", "760,000.5"):
        assert shown in cards, shown
    trend = html.split('data-uitest="trend"')[1].split("</table>")[0]
    assert not re.search(r"\d\.\d{3,}", cards + trend)  # no unrounded rate, not even in a meter value


def test_log_screen_and_pdf_share_the_partial_with_columns_totals_and_pages(client):
    plant = make_plant()
    record_cases(plant, WORKED_EXAMPLE)
    year_figures(plant)
    login(client, "carl", ["compliance"])
    screen = client.get(f"/osha/300?site={plant['sites']['RIV']}&year={YEAR}").text
    for heading in (
        "(A) Case no.",
        "(B) Employee's name",
        "(F) Describe injury",
        "(G) Death",
        "(K) Away from work",
        "(M6) All other illnesses",
    ):
        assert heading in screen
    assert f"{YEAR}-015" in screen
    text = pdf_text(client.get(f"/osha/300.pdf?site={plant['sites']['RIV']}&year={YEAR}"))
    for heading in (
        "(A) Case no.",
        "(C) Job title",
        "(D) Date of injury",
        "(E) Where the event occurred",
        "(H) Days away",
        "(I) Job transfer",
        "(J) Other recordable",
        "(L) On job transfer",
        "(M1) Injury",
        "(M5) Hearing loss",
    ):
        assert heading in text, heading
    # The print layout numbers the pages ("Page X of Y"); the log page itself carries no number.
    assert "Page 1 of 2" in text and "Page 2 of 2" in text
    assert text.count("Page totals") == 2 and f"Totals for {YEAR}" in text
    assert "Riverside Assembly" in text and f"{YEAR}-001" in text and f"{YEAR}-015" in text
    # Year totals row: G H I J = 1 3 4 7, K = 61, L = 43, M1 = 15
    assert "1 3 4 7 61 43 15 0 0 0 0 0" in text


def test_privacy_case_is_masked_on_the_log_and_listed_confidentially(client):
    plant = make_plant()
    record_cases(plant, [{"needlestick_contaminated": True}, {"days_away": 3}])
    login(client, "sofia", ["safety"])
    url = f"site={plant['sites']['RIV']}&year={YEAR}"
    text = pdf_text(client.get(f"/osha/300.pdf?{url}"))
    assert "Privacy case" in text
    assert "RIVLast1" not in text  # the needlestick victim's name is not on the log
    assert "RIVLast2" in text  # an ordinary case keeps the name
    screen = client.get(f"/osha/300?{url}").text
    assert "Privacy case" in screen and "RIVLast1" not in screen
    confidential = client.get(f"/osha/privacy-cases?{url}").text
    assert "First1 RIVLast1" in confidential and f"{YEAR}-001" in confidential
    rows = list(csv.reader(io.StringIO(client.get(f"/osha/300.csv?{url}").text)))
    assert all("RIVLast" not in cell for row in rows for cell in row)  # names never go to the ITA file


def test_csv_has_the_electronic_submission_columns_and_codes(client):
    plant = make_plant()
    record_cases(plant, [{"days_away": 12}, {"restricted_days": 4, "case_type": "skin_disorder"}])
    year_figures(plant, establishment_name="Riverside Assembly")
    login(client, "carl", ["compliance"])
    r = client.get(f"/osha/300.csv?site={plant['sites']['RIV']}&year={YEAR}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows[0]["case_number"] == f"{YEAR}-001" and rows[0]["incident_outcome"] == "2"
    assert rows[0]["dafw_num_away"] == "12" and rows[0]["type_of_incident"] == "1"
    assert (
        rows[1]["incident_outcome"] == "3"
        and rows[1]["djtr_num_tr"] == "4"
        and rows[1]["type_of_incident"] == "2"
    )
    assert rows[0]["establishment_name"] == "Riverside Assembly" and rows[0]["year_of_filing"] == str(YEAR)
    assert rows[0]["date_of_incident"] == f"01/10/{YEAR}"


def test_300a_has_totals_figures_and_certification(client):
    plant = make_plant()
    record_cases(plant, WORKED_EXAMPLE)
    year_figures(plant, certified_name="Dana Whitfield", certified_title="Plant Manager")
    login(client, "carl", ["compliance"])
    text = pdf_text(client.get(f"/osha/300a.pdf?site={plant['sites']['RIV']}&year={YEAR}"))
    flat = text
    for expected in (
        "(G) 1",
        "(H) 3",
        "(I) 4",
        "(J) 7",
        "(K) 61",
        "(L) 43",
        "380",
        "760,000",
        "Annual average number of employees",
        "Total hours worked",
        "Sign here",
        "Dana Whitfield",
        "Plant Manager",
        "1904.32(b)(3)",
        "Page 1 of 1",
    ):
        assert expected in flat, expected


def test_300a_without_cases_shows_zeros(client):
    plant = make_plant()
    login(client, "carl", ["compliance"])
    flat = pdf_text(client.get(f"/osha/300a.pdf?site={plant['sites']['LKS']}&year={YEAR}"))
    assert "(G) 0" in flat and "(K) 0" in flat and "not entered" in flat


def test_hours_worked_change_only_with_a_reason(client):
    plant = make_plant()
    login(client, "carl", ["compliance"])
    url = f"/osha/300a?site={plant['sites']['RIV']}&year={YEAR}"
    r = post(
        client, url, {"version": "0", "total_hours": "760000", "average_employees": "380"}, token_from="/"
    )
    assert r.status_code == 400 and "say where the hours come from".capitalize() in r.text
    r = post(
        client,
        url,
        {
            "version": "0",
            "total_hours": "760,000",
            "average_employees": "380",
            "hours_note": "Estimate: 380 × 2,000 h",
        },
        token_from="/",
    )
    assert r.status_code == 303
    r = post(
        client,
        url,
        {
            "version": "1",
            "total_hours": "770000",
            "average_employees": "380",
            "hours_note": "Estimate: 380 × 2,000 h",
        },
        token_from="/",
    )
    assert r.status_code == 400 and "reason for changing the hours" in r.text
    r = post(
        client,
        url,
        {
            "version": "1",
            "total_hours": "770000",
            "average_employees": "380",
            "hours_note": "Payroll actuals replace the estimate",
        },
        token_from="/",
    )
    assert r.status_code == 303
    r = post(client, url, {"version": "1", "total_hours": "1", "hours_note": "stale"}, token_from="/")
    assert r.status_code == 409
    r = post(
        client,
        url,
        {
            "version": "2",
            "total_hours": "770000",
            "hours_note": "Payroll actuals replace the estimate",
            "certified_on": "2026-01-30",
        },
        token_from="/",
    )
    assert r.status_code == 400 and "name and title" in r.text
    row = run(OshaYearData.select().first())
    assert row["total_hours"] == 770_000 and row["hours_note"] == "Payroll actuals replace the estimate"


def test_301_per_case_and_for_the_year(client):
    plant = make_plant()
    people = record_cases(plant, [{"days_away": 2}, {"treatments": ["wound_covering"]}])
    login(client, "carl", ["compliance"])
    from workforce.incidents.tables import IncidentPerson

    incident = run(
        IncidentPerson.select(IncidentPerson.incident).where(IncidentPerson.id == people[0]).first()
    )
    text = pdf_text(client.get(f"/incidents/{incident['incident']}/people/{people[0]}/301.pdf"))
    for expected in (
        "OSHA Form 301",
        "Information about the employee",
        "Full name",
        "First1 RIVLast1",
        "Case number from the Log",
        f"{YEAR}-001",
        "What happened?",
        "If treatment was given away from the worksite, where was it given?",
        "Page 1 of 1",
    ):
        assert expected in text, expected
    year = pdf_text(client.get(f"/osha/301.pdf?site={plant['sites']['RIV']}&year={YEAR}"))
    assert year.count("Information about the case") == 1  # the first-aid case has no 301


def _form301_fields(person_id: int) -> tuple[str, dict[str, str]]:
    """The rendered Form 301 of one case and its fields by data-uitest ("<blank>" for a line to fill in)."""
    from workforce.web.templating import environment

    [case] = run(osha_log.cases_301([(run(_incident_of(person_id)), person_id)]))
    html = environment().get_template("incidents/_form301.html").render(c=case, year_data={})
    fields = {
        key: "<blank>" if 'class="signature blank"' in value else value.strip()
        for key, value in re.findall(r'<dd data-uitest="([\w-]+)">(.*?)</dd>', html)
    }
    return html, fields


async def _incident_of(person_id: int) -> int:
    from workforce.incidents.tables import IncidentPerson

    row = await IncidentPerson.select(IncidentPerson.incident).where(IncidentPerson.id == person_id).first()
    return row["incident"]


def test_301_puts_each_address_in_its_own_field_never_the_plant_city(db):
    from workforce.incidents import service

    plant = make_plant()  # RIV is at 1200 River Rd, Joliet, IL
    recorded, empty = record_cases(plant, [{"days_away": 2}, {"days_away": 1}])
    run(
        service.update_person(
            recorded,
            1,
            {
                "street": "12 Elm St",
                "city": "Lockport",
                "state": "IL",
                "zip_code": "60441",
                "facility": "Silver Cross Hospital",
                "physician": "Dr. Kaur",
            },
        )
    )
    html, fields = _form301_fields(recorded)
    assert fields == {
        # 2) the employee's own address
        "employee-street": "12 Elm St",
        "employee-city": "Lockport",
        "employee-state": "IL",
        "employee-zip": "60441",
        # 7) where treatment away from the worksite was given: the facility's own address lines
        "facility": "Silver Cross Hospital",
        "facility-street": "<blank>",
        "facility-city": "<blank>",
        "facility-state": "<blank>",
        "facility-zip": "<blank>",
    }
    assert "If treatment was given away from the worksite, where was it given?" in html
    assert "Joliet" not in html and "River Rd" not in html
    # Nothing recorded: lines to fill in, not the establishment's address.
    html, fields = _form301_fields(empty)
    assert set(fields.values()) == {"<blank>"} and "Joliet" not in html


def test_cases_are_logged_in_the_year_of_the_injury_in_site_time(db):
    plant = make_plant()
    # 31 Dec 23:30 in Chicago is already 1 Jan in UTC: the case belongs to the old year (1904.7(b)(3)(ix)).
    when = datetime(YEAR, 12, 31, 23, 30) + timedelta(hours=6)
    incident = make_incident(
        plant["sites"]["RIV"],
        kind="injury_illness",
        occurred_at=when.replace(tzinfo=UTC),
        people=[(plant["employees"]["RIV"][0], "injured")],
    )
    run(
        service_osha.classify_case(
            incident,
            person_ids(incident)[0],
            {"work_related": True, "new_case": True, "case_type": "injury", "days_away": 3},
            "",
            SAFETY_USER,
        )
    )
    lines = run(osha_log.log_rows(plant["sites"]["RIV"], YEAR))
    assert [line["case_number"] for line in lines] == [f"{YEAR}-001"]
    assert run(osha_log.log_rows(plant["sites"]["RIV"], YEAR + 1)) == []


def test_only_injured_people_are_cases(db):
    from workforce.incidents.tables import IncidentPerson

    plant = make_plant()
    person = record_cases(plant, [{"days_away": 3}])[0]
    run(IncidentPerson.update({IncidentPerson.role: "witness"}).where(IncidentPerson.id == person))
    assert run(osha_log.log_rows(plant["sites"]["RIV"], YEAR)) == []  # a corrected role leaves the log
    incident = run(IncidentPerson.select(IncidentPerson.incident).where(IncidentPerson.id == person).first())
    with pytest.raises(service_osha.ClassificationError) as refused:
        run(
            service_osha.classify_case(
                incident["incident"],
                person,
                {"work_related": True, "new_case": True, "case_type": "injury"},
                "why",
                SAFETY_USER,
            )
        )
    assert refused.value.field == "person"


def test_papers_use_the_establishments_paper_size(client):
    from workforce.people.tables import Site

    plant = make_plant(employees=3)
    record_cases(plant, [{"days_away": 3}])
    login(client, "sofia", ["safety"])
    site = plant["sites"]["RIV"]
    sizes = {}
    for paper in ("A4", "Letter"):
        run(Site.update({Site.paper_size: paper}).where(Site.id == site))
        for url in (f"/osha/300.pdf?site={site}&year={YEAR}", f"/osha/300a.pdf?site={site}&year={YEAR}"):
            box = PdfReader(io.BytesIO(client.get(url).content)).pages[0].mediabox
            sizes[paper, url.split("?")[0]] = sorted((round(float(box.width)), round(float(box.height))))
    assert sizes["A4", "/osha/300.pdf"] == [595, 842] and sizes["Letter", "/osha/300.pdf"] == [612, 792]
    assert sizes["A4", "/osha/300a.pdf"] == [595, 842] and sizes["Letter", "/osha/300a.pdf"] == [612, 792]


def test_case_numbers_sort_by_number_not_text():
    numbers = ["2025-1000", "2025-999", "2024-012", None, "2025-002", "old-7", "2025-0001"]
    assert sorted(numbers, key=osha_log.case_order) == [
        "2024-012",
        "2025-0001",
        "2025-002",
        "2025-999",
        "2025-1000",
        "old-7",
        None,
    ]
