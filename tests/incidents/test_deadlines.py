"""Recording (1904.29(b)(3)) and reporting (1904.39) deadlines."""

from datetime import datetime, timedelta

import pytest

from workforce.incidents.deadlines import (
    RECORD_CASE,
    REPORT_AMPUTATION,
    REPORT_EYE_LOSS,
    REPORT_FATALITY,
    REPORT_HOSPITALIZATION,
    Deadline,
    deadline_status,
    deadlines_for,
)

AT = datetime(2026, 3, 2, 10, 0)


def kinds(deadlines):
    return [d.kind for d in deadlines]


def test_recordable_case_must_be_logged_within_7_calendar_days():
    assert deadlines_for(AT, AT + timedelta(hours=3)) == [
        Deadline(
            RECORD_CASE,
            datetime(2026, 3, 9, 13, 0),
            "1904.29(b)(3)",
            "Enter the case on the OSHA 300 Log and complete the 301",
        ),
    ]


def test_not_recordable_case_has_no_deadline():
    assert deadlines_for(AT, AT, recordable=False) == []


def test_fatality_is_reported_within_8_hours():
    deadlines = deadlines_for(AT, AT, fatality=True)
    assert kinds(deadlines) == [REPORT_FATALITY, RECORD_CASE]
    assert (deadlines[0].due_at, deadlines[0].clause) == (AT + timedelta(hours=8), "1904.39(a)(1)")


@pytest.mark.parametrize(
    ("flag", "kind"),
    [
        ("hospitalization", REPORT_HOSPITALIZATION),
        ("amputation", REPORT_AMPUTATION),
        ("loss_of_eye", REPORT_EYE_LOSS),
    ],
)
def test_severe_injuries_are_reported_within_24_hours(flag, kind):
    deadlines = deadlines_for(AT, AT, **{flag: True})
    assert (deadlines[0].kind, deadlines[0].due_at, deadlines[0].clause) == (
        kind,
        AT + timedelta(hours=24),
        "1904.39(a)(2)",
    )


def test_clock_starts_when_the_employer_learns_of_it():
    # 1904.39(b)(7): learned two days later -> 8 hours from then.
    learned = AT + timedelta(days=2)
    deadlines = deadlines_for(AT, learned, fatality=True)
    assert deadlines[0].due_at == learned + timedelta(hours=8)
    assert deadlines[1].due_at == learned + timedelta(days=7)


def test_later_death_within_30_days_starts_the_clock_at_the_death():
    died = AT + timedelta(days=29)
    deadlines = deadlines_for(AT, AT, fatality=died)
    assert kinds(deadlines) == [RECORD_CASE, REPORT_FATALITY]  # earliest first
    assert deadlines[1].due_at == died + timedelta(hours=8)


def test_death_after_30_days_is_recorded_but_not_reported():
    # Reference vector 14; 1904.39(b)(6).
    assert kinds(deadlines_for(AT, AT, fatality=AT + timedelta(days=40))) == [RECORD_CASE]


def test_hospitalization_after_24_hours_is_not_reportable():
    assert kinds(deadlines_for(AT, AT, hospitalization=AT + timedelta(hours=25))) == [RECORD_CASE]
    assert kinds(deadlines_for(AT, AT, hospitalization=AT + timedelta(hours=24)))[0] == REPORT_HOSPITALIZATION


def test_amputated_fingertip_reference_vector_13():
    deadlines = deadlines_for(AT, AT, amputation=True)
    assert kinds(deadlines) == [REPORT_AMPUTATION, RECORD_CASE]


def test_public_road_accident_is_recorded_but_not_reported():
    assert kinds(deadlines_for(AT, AT, fatality=True, reporting_exempt=True)) == [RECORD_CASE]


def test_several_events_give_one_deadline_each_earliest_first():
    deadlines = deadlines_for(
        AT, AT, fatality=AT + timedelta(hours=20), hospitalization=True, amputation=True
    )
    assert kinds(deadlines) == [REPORT_HOSPITALIZATION, REPORT_AMPUTATION, REPORT_FATALITY, RECORD_CASE]


@pytest.mark.parametrize(
    "kwargs",
    [{"learned_at": AT - timedelta(minutes=1)}, {"learned_at": AT, "fatality": AT - timedelta(hours=1)}],
)
def test_times_before_the_incident_are_refused(kwargs):
    with pytest.raises(ValueError):
        deadlines_for(AT, **kwargs)


@pytest.mark.parametrize(
    ("now", "done_at", "status"),
    [
        (AT, AT + timedelta(hours=7), "met"),
        (AT, AT + timedelta(hours=8), "met"),
        (AT + timedelta(hours=9), AT + timedelta(hours=9), "late"),
        (AT + timedelta(hours=8, seconds=1), None, "overdue"),
        (AT + timedelta(hours=6), None, "due_soon"),
        (AT + timedelta(hours=5), None, "pending"),
    ],
)
def test_deadline_status(now, done_at, status):
    deadline = deadlines_for(AT, AT, fatality=True)[0]
    assert deadline_status(deadline, now, done_at) == status


def test_due_soon_window_can_be_overridden():
    deadline = deadlines_for(AT, AT)[0]  # due in 7 days; default window 2 days
    assert deadline_status(deadline, AT + timedelta(days=4), soon=timedelta(days=3)) == "due_soon"
    assert deadline_status(deadline, AT + timedelta(days=4)) == "pending"
