"""Labour-rules tables: rule-set versions, plant holidays, worked shifts, overtime offers and the ledger.

People and places are referenced by plain integer ids (no foreign keys into the people app), read
through `workforce.people.directory`. Rule-set versions and ledger rows are never updated: a change is
a new row, so any past evaluation or ranking can be reproduced.
"""

from piccolo.columns import (
    Boolean,
    Date,
    DoublePrecision,
    Integer,
    Text,
    Timestamp,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class RuleSetVersion(Table, tablename="wf_ruleset_version"):
    """One immutable version of a bargaining unit's rule set (TOML, docs/rulesets.md).

    `bargaining_unit_id` None is the plant-wide default for people without a unit's own rule set.
    The version in force on a date is the one with the latest `effective_from` on or before it
    (ties: the later-created row); see service.RuleBook.
    """

    bargaining_unit_id = Integer(null=True, default=None, index=True)
    name = Varchar(length=120)
    #: The preset the text started from ("example-cba", …), "" for a text written from scratch.
    preset = Varchar(length=30, default="")
    toml = Text()
    effective_from = Date(index=True)
    note = Varchar(length=500, default="")
    created_by = Varchar(length=120, default="")
    created_by_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class PlantHoliday(Table, tablename="wf_plant_holiday"):
    """A holiday the plant observes on top of the `holidays` library's public holidays for its site."""

    site_id = Integer(index=True)
    day = Date(index=True)
    name = Varchar(length=120)
    created_by = Varchar(length=120, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class TimesheetEntry(Table, tablename="wf_timesheet_entry"):
    """A worked shift. Start and end are naive local wall-clock time at the employee's site.

    The migration adds a composite index on (employee_id, starts_at) for `worked_shifts`. A row is at
    most `service_hours.MAX_SHIFT` (24 h) long (`record_shifts` refuses longer ones): the overlap
    queries bound starts_at from below by it, so they use these indexes instead of reading all history.
    """

    employee_id = Integer(index=True)
    starts_at = Timestamp(index=True)
    ends_at = Timestamp()
    break_minutes = DoublePrecision(default=0.0)
    call_in = Boolean(default=False)
    training = Boolean(default=False)
    holiday = Boolean(default=False)
    #: Where the row came from: "demo", "import", "roster", "manual" …
    source = Varchar(length=30, default="manual", index=True)
    created_by = Varchar(length=120, default="")
    created_at = Timestamptz(default=TimestamptzNow())


OPPORTUNITY_STATUSES = {"open": "Open", "filled": "Filled", "cancelled": "Cancelled"}


class OvertimeOpportunity(Table, tablename="wf_overtime_opportunity"):
    """Overtime to fill: when, where (station or skill), how many hours, and for which group."""

    site_id = Integer(index=True)
    department_id = Integer(null=True, default=None, index=True)
    crew_id = Integer(null=True, default=None, index=True)
    bargaining_unit_id = Integer(null=True, default=None, index=True)
    station_id = Integer(null=True, default=None, index=True)
    skill = Varchar(length=120, default="")
    starts_at = Timestamp(index=True)
    ends_at = Timestamp()
    #: Hours charged to whoever takes (or refuses) it; the shift is `hours` plus `break_minutes`.
    hours = DoublePrecision()
    break_minutes = DoublePrecision(default=0.0)
    needed = Integer(default=1)
    status = Varchar(length=12, default="open", index=True)
    note = Varchar(length=500, default="")
    cancel_reason = Varchar(length=255, default="")
    created_by = Varchar(length=120, default="")
    created_by_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


OUTCOMES = {"accepted": "Accepted", "refused": "Refused", "no_answer": "No answer", "forced": "Forced"}


class OvertimeOffer(Table, tablename="wf_overtime_offer"):
    """One person's answer to one opportunity. `offer_key` ("<opportunity>:<employee>") is unique, so a
    repeated tap or a second tablet cannot record the same offer twice."""

    offer_key = Varchar(length=40, unique=True, index=True)
    opportunity_id = Integer(index=True)
    employee_id = Integer(index=True)
    outcome = Varchar(length=12, index=True)
    charged_hours = DoublePrecision(default=0.0)
    offered_by = Varchar(length=120, default="")
    offered_by_id = Integer(null=True, default=None)
    offered_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


LEDGER_KINDS = {
    "offer": "Offer",
    "correction": "Correction",
    "cancellation": "Opportunity cancelled",
    "opening": "Opening balance",
    "entry": "New entrant charge",
    "adjustment": "Adjustment",
}


class ChargedHours(Table, tablename="wf_charged_hours"):
    """The equalization ledger: append-only rows of hours charged (or taken back) per period.

    `period_start` is `ledger_start(date, rules)` of the employee's rule set on the charge's date; an
    employee's charged hours are the sum of the rows of their current period (the ledger resets).
    """

    employee_id = Integer(index=True)
    period_start = Date(index=True)
    hours = DoublePrecision()
    kind = Varchar(length=20, default="offer")
    offer_id = Integer(null=True, default=None, index=True)
    opportunity_id = Integer(null=True, default=None, index=True)
    reason = Varchar(length=255, default="")
    created_by = Varchar(length=120, default="")
    created_at = Timestamptz(default=TimestamptzNow())
