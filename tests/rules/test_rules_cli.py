"""The `workforce overtime evaluate` contract and the timesheet reader behind it."""

import json

import pytest
from click.testing import CliRunner

from workforce.rules.cli import overtime
from workforce.rules.timesheet import TimesheetError, parse_timesheet, read_timesheet

HEADER = "employee,start,end,break_minutes\n"
FIVE_DAYS = "".join(f"E1,2026-01-{5 + d:02d}T06:00,2026-01-{5 + d:02d}T15:30,30\n" for d in range(5))


def run(tmp_path, csv_text: str, *options: str):
    path = tmp_path / "timesheet.csv"
    path.write_text(csv_text, encoding="utf-8")
    return CliRunner().invoke(overtime, ["evaluate", *options, str(path)])


def test_json_output_has_the_exact_contract_shape(tmp_path):
    rows = HEADER + "E2,2026-01-13T06:00,2026-01-13T10:00,0\n" + FIVE_DAYS
    result = run(tmp_path, rows, "--rules", "flsa")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout) == {
        "rules": "flsa",
        "employees": [
            {
                "employee": "E1",
                "weeks": [
                    {
                        "week_start": "2026-01-05",
                        "hours_worked": 45.0,
                        "regular_hours": 40.0,
                        "overtime_hours": 5.0,
                        "double_time_hours": 0.0,
                    }
                ],
                "violations": [],
            },
            {
                "employee": "E2",
                "weeks": [
                    {
                        "week_start": "2026-01-12",
                        "hours_worked": 4.0,
                        "regular_hours": 4.0,
                        "overtime_hours": 0.0,
                        "double_time_hours": 0.0,
                    }
                ],
                "violations": [],
            },
        ],
    }


def test_json_violations_give_rule_start_of_offending_shift_and_detail(tmp_path):
    rows = HEADER + "E1,2026-01-06T14:00,2026-01-06T22:00,30\nE1,2026-01-07T06:00,2026-01-07T14:00,30\n"
    result = run(tmp_path, rows, "--rules", "eu-wtd", "--format", "json")
    (employee,) = json.loads(result.stdout)["employees"]
    assert employee["violations"] == [
        {
            "rule": "daily_rest",
            "at": "2026-01-07T06:00",
            "detail": "only 8 h since shift ending 2026-01-06T22:00 (minimum 11 h)",
        },
    ]


def test_hours_are_rounded_to_two_decimals_and_weeks_sorted(tmp_path):
    rows = HEADER + "E1,2026-01-12T06:00,2026-01-12T06:20,0\nE1,2026-01-05T06:00,2026-01-05T06:10,0\n"
    weeks = json.loads(run(tmp_path, rows, "--rules", "flsa").stdout)["employees"][0]["weeks"]
    assert [(w["week_start"], w["hours_worked"]) for w in weeks] == [
        ("2026-01-05", 0.17),
        ("2026-01-12", 0.33),
    ]


def test_rules_field_echoes_a_rule_file_path_as_given(tmp_path):
    rules = tmp_path / "site.toml"
    rules.write_text('name = "Site"\n[weekly_overtime]\nafter_hours = 44\n', encoding="utf-8")
    result = run(tmp_path, HEADER + FIVE_DAYS, "--rules", str(rules))
    document = json.loads(result.stdout)
    assert document["rules"] == str(rules)
    assert document["employees"][0]["weeks"][0]["overtime_hours"] == 1.0


def test_table_format_is_readable(tmp_path):
    result = run(tmp_path, HEADER + FIVE_DAYS, "--rules", "california", "--format", "table")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Rules: california (California)"
    assert lines[2].split()[:5] == ["employee", "week", "worked", "regular", "overtime"]
    assert lines[3].split()[:5] == ["E1", "2026-01-05", "45.00", "40.00", "5.00"]
    assert "Violations: 0" in lines


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            HEADER + "E1,2026-01-05T06:00,2026-01-05T14:00,0\nE1,2026-01-05T06:00,2026-01-05T05:00,0\n",
            "row 3: end: end 2026-01-05T05:00 is before start 2026-01-05T06:00",
        ),
        (
            "employee,start,end,break_minutes,station\n",
            "row 1: station: unknown column; the header must be employee,start,end,break_minutes",
        ),
        (
            "employee,start,end\nE1,2026-01-05T06:00,2026-01-05T14:00\n",
            "row 1: break_minutes: missing column; the header must be employee,start,end,break_minutes",
        ),
        (
            HEADER + "E1,2026-13-05T06:00,2026-01-05T14:00,0\n",
            "row 2: start: '2026-13-05T06:00' is not a local date-time like 2026-01-05T06:00",
        ),
        (
            HEADER + "E1,2026-01-05,2026-01-05T14:00,0\n",
            "row 2: start: '2026-01-05' is not a local date-time like 2026-01-05T06:00",
        ),
        (
            HEADER + "E1,2026-01-05T06:00,2026-01-05T14:00,-5\n",
            "row 2: break_minutes: must be a number of minutes >= 0, got '-5'",
        ),
        (HEADER + "E1,2026-01-05T06:00,2026-01-05T14:00\n", "row 2: break_minutes: missing value"),
        (HEADER + ",2026-01-05T06:00,2026-01-05T14:00,0\n", "row 2: employee: must not be empty"),
        (
            HEADER + "E1,2026-01-05T06:00,2026-01-05T07:00,90\n",
            "row 2: break_minutes: 90 min is longer than the shift (60 min)",
        ),
        ("", "row 1: header: the file is empty; expected the header employee,start,end,break_minutes"),
    ],
    ids=[
        "end-before-start",
        "unknown-column",
        "missing-column",
        "bad-date",
        "date-without-time",
        "negative-break",
        "short-row",
        "no-employee",
        "break-too-long",
        "empty-file",
    ],
)
def test_bad_input_exits_2_with_one_line_naming_row_and_field(tmp_path, rows, message):
    result = run(tmp_path, rows, "--rules", "flsa")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message + "\n"


def test_unknown_rules_exit_2_with_one_line(tmp_path):
    result = run(tmp_path, HEADER + FIVE_DAYS, "--rules", "nowhere")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("rules: 'nowhere' is neither a preset")


def test_invalid_rule_file_exits_2_naming_the_key(tmp_path):
    rules = tmp_path / "bad.toml"
    rules.write_text('name = "x"\n[daily_overtime]\nafter_hours = "x"\n', encoding="utf-8")
    result = run(tmp_path, HEADER + FIVE_DAYS, "--rules", str(rules))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "rules: daily_overtime.after_hours: must be a number >= 0, got 'x'\n"


def test_help_describes_the_command():
    result = CliRunner().invoke(overtime, ["evaluate", "--help"])
    assert result.exit_code == 0
    assert "--rules PRESET_OR_FILE" in result.stdout and "TIMESHEET.csv" in result.stdout
    assert CliRunner().invoke(overtime, ["--help"]).exit_code == 0


def test_timesheet_reader_accepts_excel_bom_blank_lines_and_column_order():
    text = "\ufeffstart,employee,break_minutes,end\n\n2026-01-05T06:00,E1,,2026-01-05T14:00\n"
    (shift,) = parse_timesheet(text)
    assert (shift.employee, shift.break_minutes, shift.end.hour) == ("E1", 0, 14)


def test_read_timesheet_collects_every_row_error():
    text = (
        HEADER + "E1,x,2026-01-05T14:00,0\nE1,2026-01-05T06:00,2026-01-05T14:00,0\nE2,2026-01-05T06:00,y,0\n"
    )
    shifts, errors = read_timesheet(text)
    assert len(shifts) == 1
    assert [(e.row, e.field) for e in errors] == [(2, "start"), (4, "end")]
    assert all(isinstance(e, TimesheetError) for e in errors)
