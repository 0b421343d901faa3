"""Employee import: reading files, per-cell messages, one-transaction apply, idempotent re-import."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from tests.conftest import run
from tests.people.factories import make_employee, make_org
from workforce.audit.context import Actor, current_actor
from workforce.audit.tables import AuditEntry
from workforce.people import import_service, importing, service
from workforce.people.import_service import ImportRefused
from workforce.people.importing import ImportFileError, read_file
from workforce.people.tables import Employee, EmployeeImport
from workforce.people.validation import COLUMNS

TODAY = date(2026, 3, 2)


class User:
    """What the import needs of a signed-in user."""

    def __init__(self, username="hana", roles=("hr",), sites=()):
        self.id, self.username, self.roles, self.sites = 1, username, frozenset(roles), tuple(sites)

    def has(self, *roles):
        return bool(self.roles & set(roles))


HR = User()


def csv_bytes(rows, columns=COLUMNS, bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def person(number, **values):
    row = {
        "employee_number": number,
        "first_name": "Nia",
        "last_name": "Okoro",
        "site": "RIV",
        "department": "ASM",
        "home_station": "ASM1-01",
        "crew": "A",
        "bargaining_unit": "UAW-1701",
        "hire_date": "2024-03-04",
    }
    row.update(values)
    return row


def preview(content, filename="people.csv", user=HR):
    return run(import_service.preview(content, filename, user, today=TODAY))


def upload(content, filename="people.csv") -> int:
    return run(import_service.store_upload(1, filename, content))


def apply(import_id, user=HR, **kwargs):
    async def go():
        current_actor.set(Actor(1, user.username))
        return await import_service.apply(import_id, user, today=TODAY, **kwargs)

    return run(go())


def employees() -> list[dict]:
    return run(Employee.select().order_by(Employee.employee_number))


def audit(entity_type="employee") -> list[dict]:
    return run(AuditEntry.select().where(AuditEntry.entity_type == entity_type).order_by(AuditEntry.id))


# --------------------------------------------------------------------------- the file as a whole


def file_errors(filename, content) -> list[str]:
    with pytest.raises(ImportFileError) as caught:
        read_file(filename, content)
    return caught.value.messages


def test_header_names_unknown_and_missing_columns():
    content = b"emp_no,first_name,Last_Name,site,site,hire_date\r\nE1,Nia,Okoro,RIV,RIV,2024-03-04\r\n"
    assert file_errors("people.csv", content) == [
        "row 1 (header): unknown column 'emp_no'",
        "row 1 (header): unknown column 'Last_Name' (did you mean 'last_name'?)",
        "row 1 (header): column 'site' appears twice",
        "row 1 (header): missing required column 'employee_number'",
        "row 1 (header): missing required column 'last_name'",
    ]


def test_semicolon_file_gets_a_hint():
    content = ";".join(COLUMNS).encode() + b"\r\n"
    assert file_errors("people.csv", content) == [
        "row 1 (header): the header is one cell with semicolons in it: save the file with commas between the "
        "columns (CSV UTF-8)"
    ]


def test_empty_unsupported_and_unreadable_files():
    assert file_errors("people.csv", b"") == ["the file is empty"]
    assert file_errors("people.csv", b"\r\n  \r\n") == ["the file is empty"]
    assert file_errors("people.xls", b"x") == [
        "files '.xls' are not supported: upload a .csv or .xlsx file (save an .xls workbook as .xlsx)"
    ]
    assert file_errors("people.pdf", b"x") == ["files '.pdf' are not supported: upload a .csv or .xlsx file"]
    assert file_errors("people", b"x") == [
        "files without an extension are not supported: upload a .csv or .xlsx file"
    ]
    assert file_errors("people.xlsx", b"not a zip") == ["the file is not a readable Excel workbook (.xlsx)"]
    assert file_errors("people.xlsx", b"PK\x03\x04damaged") == [
        "the file is not a readable Excel workbook (.xlsx)"
    ]
    assert file_errors("people.csv", ",".join(COLUMNS).encode() + b"\r\n") == [
        "there are no employee rows under the header (row 1)"
    ]
    latin1 = csv_bytes([person("E1", last_name="Peña")]).replace("Peña".encode(), "Peña".encode("latin-1"))
    assert file_errors("people.csv", latin1) == [
        "the file is not UTF-8 text (first bad byte on line 2); in Excel save it as "
        "“CSV UTF-8 (Comma delimited)”"
    ]


def test_csv_with_and_without_bom_reads_the_same():
    plain, bom = (
        read_file("a.csv", csv_bytes([person("E1")])),
        read_file("a.csv", csv_bytes([person("E1")], bom=True)),
    )
    assert plain == bom
    assert plain.columns == COLUMNS and plain.rows[0][0] == 2 and plain.rows[0][1]["last_name"] == "Okoro"


def test_blank_rows_keep_spreadsheet_numbering_and_extra_cells_are_an_error():
    content = (
        b"employee_number,first_name,last_name,site,hire_date\r\nE1,A,B,RIV,2024-01-01\r\n,,,,\r\n"
        b"E2,C,D,RIV,2024-01-01,surprise\r\n"
    )
    parsed = read_file("a.csv", content)
    assert [n for n, _ in parsed.rows] == [2, 4]
    assert parsed.rows[1][1]["__extra__"] == "1 value(s) right of the last column"


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    assert file_errors("a.csv", csv_bytes([person(f"E{i}") for i in range(4)])) == [
        "the file has more than 3 employee rows; split it into smaller files"
    ]


# --------------------------------------------------------------------------- rows


def test_bad_rows_show_exact_messages_per_cell_and_nothing_is_written(db):
    make_org()
    make_employee(make_org("LKS", "MCH", "MCH1", "MCH1-01", "A", None), "E10001")
    content = csv_bytes(
        [
            person("E20001"),  # row 2: fine, but its number comes again
            person("E20002", department="XYZ"),  # row 3
            person("E20001", first_name="Dup"),  # row 4
            person("E20003", hire_date="03/04/2024", seniority_date="2024-02-30"),  # row 5
            person("E20004", status="terminated"),  # row 6
            person("", first_name=""),  # row 7
        ]
    )
    pv = preview(content)
    by_row = {r.row: r for r in pv.rows}
    assert by_row[2].errors == {"employee_number": "employee number E20001 appears again on row 4"}
    assert by_row[3].errors == {"department": "unknown department 'XYZ' at site RIV"}
    assert by_row[4].errors == {"employee_number": "employee number E20001 already appears on row 2"}
    assert by_row[5].errors == {
        "hire_date": "'03/04/2024' is not a date (use YYYY-MM-DD)",
        "seniority_date": "'2024-02-30' is not a date (use YYYY-MM-DD)",
    }
    assert by_row[6].errors == {"termination_date": "required when the status is terminated"}
    assert by_row[7].errors == {"employee_number": "required", "first_name": "required"}
    assert pv.counts == {"error": 6, "create": 0, "update": 0, "unchanged": 0}
    assert not pv.can_apply

    import_id = upload(content)
    with pytest.raises(ImportRefused) as refused:
        apply(import_id)
    assert refused.value.message == (
        "6 row(s) have errors, so nothing was written. Correct the file and upload it again."
    )
    assert [e["employee_number"] for e in employees()] == ["E10001"]
    assert audit() == []
    assert run(EmployeeImport.select(EmployeeImport.applied_at).first())["applied_at"] is None


def test_apply_creates_and_updates_in_one_go_with_audit_then_reimport_is_unchanged(db):
    org = make_org()
    existing = make_employee(org, "E10001", job_class="Operator I")
    content = csv_bytes(
        [
            person(
                "E10001",
                first_name="Ada",
                last_name="Lovelace",
                job_class="Setter II",
                hire_date="2020-01-06",
                bargaining_unit="uaw-1701",
                site="riv",
            ),
            person("E20001", supervisor="E10001", phone="+1 312 555 0100"),
            person(
                "e20002", first_name="Tom", supervisor="E20001", employment_type="part_time"
            ),  # supervisor above
        ]
    )
    pv = preview(content)
    assert [(r.row, r.kind) for r in pv.rows] == [(2, "update"), (3, "create"), (4, "create")]
    assert pv.rows[0].changes == {"job_class": ("Operator I", "Setter II")}  # case of codes is not a change
    import_id = upload(content)
    summary = apply(import_id, fingerprint=pv.fingerprint)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (2, 1, 0)

    rows = {e["employee_number"]: e for e in employees()}
    assert set(rows) == {"E10001", "E20001", "E20002"}
    assert rows["E10001"]["job_class"] == "Setter II" and rows["E10001"]["version"] == 2
    assert rows["E20001"]["supervisor"] == existing and rows["E20002"]["supervisor"] == rows["E20001"]["id"]
    assert (
        rows["E20001"]["phone"] == "+1 312 555 0100" and rows["E20002"]["search_text"] == "okoro tom e20002"
    )
    entries = audit()
    assert [(e["action"], e["entity_id"], e["actor_name"]) for e in entries] == [
        ("employee.update", str(existing), "hana"),
        ("employee.create", str(rows["E20001"]["id"]), "hana"),
        ("employee.create", str(rows["E20002"]["id"]), "hana"),
    ]
    update_entry = run(
        AuditEntry.select().where(AuditEntry.id == entries[0]["id"]).output(load_json=True).first()
    )
    assert (
        update_entry["before"]["job_class"] == "Operator I"
        and update_entry["after"]["job_class"] == "Setter II"
    )
    assert update_entry["summary"] == f"Employee E10001 updated by import #{import_id} (job_class)"
    assert [e["action"] for e in audit("employee_import")] == [
        "employee_import.upload",
        "employee_import.apply",
    ]

    again = preview(content)
    assert [r.kind for r in again.rows] == ["unchanged"] * 3 and not again.can_apply
    second = upload(content)
    assert apply(second)["created"] == 0
    assert len(audit()) == 3 and run(Employee.count()) == 3  # nothing written the second time


def test_supervisor_on_a_later_row_is_explained(db):
    make_org()
    pv = preview(csv_bytes([person("E2", supervisor="E3"), person("E3")]))
    assert pv.rows[0].errors == {
        "supervisor": "employee number E3 is only created on row 3: put supervisors above "
        "the people they supervise"
    }


def test_update_keeps_columns_the_file_leaves_out(db):
    org = make_org()
    make_employee(org, "E10001", phone="555-0100", job_class="Operator I")
    content = (
        b"employee_number,first_name,last_name,site,hire_date,job_class\r\n"
        b"E10001,Ada,Lovelace,RIV,2020-01-06,Operator II\r\n"
    )
    pv = preview(content)
    assert pv.rows[0].kind == "update" and list(pv.rows[0].changes) == ["job_class"]
    apply(upload(content), fingerprint=pv.fingerprint)
    row = employees()[0]
    assert (row["job_class"], row["phone"], row["crew"]) == ("Operator II", "555-0100", org["crew_id"])


def test_status_change_by_import_says_where_it_came_from(db):
    make_employee(make_org(), "E10001")
    content = csv_bytes(
        [person("E10001", first_name="Ada", last_name="Lovelace", hire_date="2020-01-06", status="on_leave")]
    )
    import_id = upload(content)
    apply(import_id)
    row = employees()[0]
    assert (row["status"], row["status_reason"]) == ("on_leave", f"Set by employee import #{import_id}")


def test_failure_half_way_writes_nothing(db, monkeypatch):
    org = make_org()
    make_employee(org, "E10001")
    content = csv_bytes(
        [
            person(
                "E10001", first_name="Ada", last_name="Lovelace", job_class="Changed", hire_date="2020-01-06"
            ),
            person("E20001"),
            person("E20002"),
            person("E20003"),
        ]
    )
    import_id = upload(content)
    calls = []
    original = import_service.trail.record

    async def failing(action, *args, **kwargs):
        if action.startswith("employee."):
            calls.append(action)
            if len(calls) == 3:
                raise RuntimeError("disk full")
        return await original(action, *args, **kwargs)

    monkeypatch.setattr(import_service.trail, "record", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        apply(import_id)
    assert calls == ["employee.update", "employee.create", "employee.create"]
    rows = employees()
    assert [(e["employee_number"], e["job_class"], e["version"]) for e in rows] == [("E10001", "", 1)]
    assert audit() == []
    assert run(EmployeeImport.select(EmployeeImport.applied_at).first())["applied_at"] is None

    monkeypatch.setattr(import_service.trail, "record", original)
    assert apply(import_id)["created"] == 3  # the same stored file applies once the fault is gone


def test_double_apply_is_a_no_op_with_a_message(db):
    make_org()
    import_id = upload(csv_bytes([person("E20001")]))
    apply(import_id)
    with pytest.raises(ImportRefused) as refused:
        apply(import_id)
    assert refused.value.already_applied and refused.value.status == 409
    assert refused.value.message.startswith("This file was already applied on ")
    assert refused.value.message.endswith("; nothing was written again.")
    assert run(Employee.count()) == 1 and len(audit()) == 1


def test_change_since_the_preview_is_refused_with_who_changed_it(db):
    org = make_org()
    emp = make_employee(org, "E10001")
    content = csv_bytes(
        [
            person(
                "E10001", first_name="Ada", last_name="Lovelace", job_class="Import", hire_date="2020-01-06"
            ),
            person("E20001"),
        ]
    )
    import_id = upload(content)
    pv = preview(content)
    as_of = run(import_service.last_audit_id())

    async def edit():
        current_actor.set(Actor(2, "ole"))
        raw = service.as_raw(await service.get_raw(emp))
        await service.update_employee(emp, 1, {**raw, "job_class": "Form edit"})

    run(edit())
    with pytest.raises(ImportRefused) as refused:
        apply(import_id, fingerprint=pv.fingerprint, as_of=as_of)
    assert refused.value.status == 409
    assert refused.value.message.startswith(
        "Employee records in this file changed since you opened the preview "
        "(Employee E10001 updated by ole at "
    )
    assert refused.value.message.endswith("). Nothing was written: check the preview below and apply again.")
    assert [e["employee_number"] for e in employees()] == ["E10001"]
    assert employees()[0]["job_class"] == "Form edit"
    fresh = preview(content)
    assert apply(import_id, fingerprint=fresh.fingerprint)["updated"] == 1


def test_number_taken_since_the_preview_turns_create_into_conflict(db):
    org = make_org()
    content = csv_bytes([person("E20001")])
    import_id = upload(content)
    pv = preview(content)
    make_employee(org, "E20001")
    with pytest.raises(ImportRefused) as refused:
        apply(import_id, fingerprint=pv.fingerprint)
    assert refused.value.status == 409 and run(Employee.count()) == 1


def test_site_limited_hr_cannot_import_other_sites(db):
    make_org()
    lks = make_org("LKS", "MCH", "MCH1", "MCH1-01", "A", None)
    make_employee(lks, "E10001")
    pv = preview(
        csv_bytes(
            [
                person("E20001"),
                person("E20002", site="LKS", department="MCH", home_station="", crew="", bargaining_unit=""),
                person("E10001", first_name="Ada", last_name="Lovelace", site="RIV"),
            ]
        ),
        user=User(sites=("RIV",)),
    )
    assert [r.kind for r in pv.rows] == ["create", "error", "error"]
    assert pv.rows[1].errors == {"site": "site LKS is outside your account's sites"}
    assert pv.rows[2].errors == {"site": "employee E10001 works at site LKS, outside your account's sites"}


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.create_sheet("Ignored").append(["not", "read"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_first_sheet_with_real_and_text_dates_and_numbers(db):
    make_org()
    content = xlsx_bytes(
        [
            [
                "employee_number",
                "first_name",
                "last_name",
                "site",
                "hire_date",
                "seniority_date",
                "phone",
                None,
            ],
            [10001, "Nia", "Okoro", "RIV", datetime(2024, 3, 4), "2024-03-05", 3125550100, None],
            ["E20002", "Tom", "Berg", "RIV", date(2023, 1, 2), None, None, None],
            [None, None, None, None, None, None, None, None],
            ["E20003", "Ida", "Lund", "RIV", "4.3.2024", None, None, None],
        ]
    )
    parsed = read_file("people.xlsx", content)
    assert parsed.rows[0][1]["employee_number"] == "10001" and parsed.rows[0][1]["hire_date"] == "2024-03-04"
    assert parsed.rows[0][1]["phone"] == "3125550100"
    pv = preview(content, "people.xlsx")
    assert [(r.row, r.kind) for r in pv.rows] == [(2, "create"), (3, "create"), (5, "error")]
    assert pv.rows[2].errors == {"hire_date": "'4.3.2024' is not a date (use YYYY-MM-DD)"}
    content = xlsx_bytes(
        [
            ["employee_number", "first_name", "last_name", "site", "hire_date"],
            [10001, "Nia", "Okoro", "RIV", datetime(2024, 3, 4)],
            ["E20002", "Tom", "Berg", "RIV", date(2023, 1, 2)],
        ]
    )
    apply(upload(content, "people.xlsx"))
    rows = {e["employee_number"]: e for e in employees()}
    assert rows["10001"]["hire_date"] == date(2024, 3, 4) and rows["10001"]["seniority_date"] == date(
        2024, 3, 4
    )
    assert [r.kind for r in preview(content, "people.xlsx").rows] == ["unchanged", "unchanged"]


def test_preview_runs_a_fixed_number_of_queries(db, count_queries):
    org = make_org()
    for i in range(30):
        make_employee(org, f"E{i:05d}")
    small = csv_bytes([person(f"E{i:05d}") for i in range(3)])
    large = csv_bytes([person(f"E{i:05d}") for i in range(30)] + [person(f"N{i}") for i in range(40)])
    with count_queries() as few:
        preview(small)
    with count_queries() as many:
        preview(large)
    assert len(few) == len(many) <= 8
