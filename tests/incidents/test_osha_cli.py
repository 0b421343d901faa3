"""`osha classify` command contract: JSON on stdout, exit 2 with one stderr line naming the field."""

import json

import pytest
from click.testing import CliRunner

from workforce.incidents.osha_cli import osha

KEYS = [
    "recordable",
    "outcome",
    "column",
    "days_away",
    "restricted_or_transfer_days",
    "type_column",
    "privacy_case",
    "basis",
]


def run(args, stdin=None):
    return CliRunner().invoke(osha, args, input=stdin)


def test_classify_reads_a_file_and_prints_the_result_in_contract_order(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(
        json.dumps(
            {
                "work_related": True,
                "new_case": True,
                "case_type": "injury",
                "days_away": 150,
                "restricted_days": 100,
            }
        )
    )
    result = run(["classify", str(path)])
    assert result.exit_code == 0
    assert result.stderr == ""
    output = json.loads(result.stdout)
    assert list(output) == KEYS
    assert output == {
        "recordable": True,
        "outcome": "days_away",
        "column": "H",
        "days_away": 150,
        "restricted_or_transfer_days": 30,
        "type_column": "M1",
        "privacy_case": False,
        "basis": ["1904.7(b)(3)", "1904.7(b)(4)", "1904.7(b)(3)(vii)"],
    }


def test_classify_reads_stdin_with_dash():
    facts = {"work_related": True, "new_case": True, "case_type": "injury", "treatments": ["massage"]}
    result = run(["classify", "-"], json.dumps(facts))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["recordable"] is False


def test_no_cap_keeps_the_full_count():
    facts = {"work_related": True, "new_case": True, "case_type": "injury", "days_away": 250}
    result = run(["classify", "--no-cap", "-"], json.dumps(facts))
    assert json.loads(result.stdout)["days_away"] == 250


@pytest.mark.parametrize(
    ("stdin", "line"),
    [
        (
            '{"work_related": true, "new_case": true, "case_type": "injury", '
            '"treatments": ["massage", "bandaid"]}',
            "treatments[1]: unknown treatment code 'bandaid'",
        ),
        (
            '{"work_related": true, "new_case": true, "case_type": "injury", "privacy_reasons": ["vip"]}',
            "privacy_reasons[0]: unknown privacy code 'vip'",
        ),
        (
            '{"work_related": true, "new_case": true, "case_type": "injury", "days_away": -2}',
            "days_away: day count must not be negative, got -2",
        ),
        (
            '{"work_related": "yes", "new_case": true, "case_type": "injury"}',
            "work_related: expected true or false, got string",
        ),
        (
            '{"work_related": true, "new_case": true, "case_type": "injury", "colour": "red"}',
            "colour: unknown key",
        ),
        (
            '{"work_related": true, "new_case": true, "case_type": "sprain"}',
            "case_type: unknown case_type 'sprain'",
        ),
        ('{"work_related": true, "new_case": true}', "case_type: required"),
        ("[1, 2]", "facts: expected an object, got array"),
    ],
)
def test_bad_field_exits_2_with_one_stderr_line_naming_it(stdin, line):
    result = run(["classify", "-"], stdin)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[0].startswith(line)
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("stdin", ["{", "", '{"work_related": true,}', "nope"])
def test_invalid_json_exits_2(stdin):
    result = run(["classify", "-"], stdin)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("<stdin>: invalid JSON:")
    assert len(result.stderr.splitlines()) == 1


def test_missing_file_exits_2_with_one_line(tmp_path):
    result = run(["classify", str(tmp_path / "absent.json")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().endswith("cannot read: No such file or directory")
    assert len(result.stderr.splitlines()) == 1


def test_help_describes_the_commands():
    assert "classify" in run(["--help"]).stdout
    result = run(["classify", "--help"])
    assert result.exit_code == 0
    assert "FACTS.json" in result.stdout and "--no-cap" in result.stdout
