"""Recording and reporting deadlines for a case (29 CFR 1904.29(b)(3), 1904.39) and their status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

REPORT_FATALITY = "report_fatality"
REPORT_HOSPITALIZATION = "report_hospitalization"
REPORT_AMPUTATION = "report_amputation"
REPORT_EYE_LOSS = "report_eye_loss"
RECORD_CASE = "record_case"

# 1904.39(b)(6): only a death within 30 days, or a hospitalization/amputation/eye loss within 24 hours,
# of the work-related incident is reportable.
FATALITY_WINDOW = timedelta(days=30)
SEVERE_INJURY_WINDOW = timedelta(hours=24)

# How close to the due time a deadline counts as "due soon" unless the caller says otherwise.
DUE_SOON: dict[str, timedelta] = {
    REPORT_FATALITY: timedelta(hours=2),
    REPORT_HOSPITALIZATION: timedelta(hours=6),
    REPORT_AMPUTATION: timedelta(hours=6),
    REPORT_EYE_LOSS: timedelta(hours=6),
    RECORD_CASE: timedelta(days=2),
}

# kind -> (time allowed, clause, label)
_RULES: dict[str, tuple[timedelta, str, str]] = {
    REPORT_FATALITY: (timedelta(hours=8), "1904.39(a)(1)", "Report the fatality to OSHA"),
    REPORT_HOSPITALIZATION: (
        timedelta(hours=24),
        "1904.39(a)(2)",
        "Report the in-patient hospitalization to OSHA",
    ),
    REPORT_AMPUTATION: (timedelta(hours=24), "1904.39(a)(2)", "Report the amputation to OSHA"),
    REPORT_EYE_LOSS: (timedelta(hours=24), "1904.39(a)(2)", "Report the loss of an eye to OSHA"),
    RECORD_CASE: (
        timedelta(days=7),
        "1904.29(b)(3)",
        "Enter the case on the OSHA 300 Log and complete the 301",
    ),
}


@dataclass(frozen=True)
class Deadline:
    """Something that must be done by `due_at`; `clause` is the 29 CFR 1904 paragraph that sets it."""

    kind: str
    due_at: datetime
    clause: str
    label: str


def _event_time(value: bool | datetime | None, occurred_at: datetime) -> datetime | None:
    if value is None or value is False:
        return None
    if value is True:
        return occurred_at
    if value < occurred_at:
        raise ValueError(f"event at {value.isoformat()} is before the incident at {occurred_at.isoformat()}")
    return value


def deadlines_for(
    occurred_at: datetime,
    learned_at: datetime,
    *,
    fatality: bool | datetime | None = False,
    hospitalization: bool | datetime | None = False,
    amputation: bool | datetime | None = False,
    loss_of_eye: bool | datetime | None = False,
    recordable: bool = True,
    reporting_exempt: bool = False,
) -> list[Deadline]:
    """Deadlines for one work-related incident, earliest first.

    `learned_at` is when the employer or its agent learned of the case and that it is work-related. Each
    severity flag is True (it happened at `occurred_at`) or the datetime it happened (a later death or
    admission). The report clock starts at the later of the event and `learned_at` (1904.39(b)(7)-(8)).
    `reporting_exempt`: public-road motor-vehicle accident outside a construction zone or a commercial/public
    transport accident (1904.39(b)(3)-(4)), still recorded if recordable. A hospitalization is only a formal
    admission for care or treatment, not for observation or diagnostic testing (1904.39(b)).
    """
    if learned_at < occurred_at:
        raise ValueError("learned_at is before occurred_at")
    found: list[Deadline] = []
    events = (
        (REPORT_FATALITY, fatality, FATALITY_WINDOW),
        (REPORT_HOSPITALIZATION, hospitalization, SEVERE_INJURY_WINDOW),
        (REPORT_AMPUTATION, amputation, SEVERE_INJURY_WINDOW),
        (REPORT_EYE_LOSS, loss_of_eye, SEVERE_INJURY_WINDOW),
    )
    for kind, flag, window in events:
        event_at = _event_time(flag, occurred_at)
        if event_at is None or reporting_exempt or event_at - occurred_at > window:
            continue
        allowed, clause, label = _RULES[kind]
        found.append(Deadline(kind, max(event_at, learned_at) + allowed, clause, label))
    if recordable:
        # 1904.29(b)(3): 7 calendar days from receiving information that a recordable case occurred.
        allowed, clause, label = _RULES[RECORD_CASE]
        found.append(Deadline(RECORD_CASE, learned_at + allowed, clause, label))
    return sorted(found, key=lambda d: d.due_at)


def deadline_status(
    deadline: Deadline, now: datetime, done_at: datetime | None = None, *, soon: timedelta | None = None
) -> str:
    """ "met" / "late" once done (on time or not); otherwise "overdue", "due_soon" or "pending"."""
    if done_at is not None:
        return "met" if done_at <= deadline.due_at else "late"
    if now > deadline.due_at:
        return "overdue"
    window = DUE_SOON.get(deadline.kind, timedelta(hours=2)) if soon is None else soon
    return "due_soon" if deadline.due_at - now <= window else "pending"
