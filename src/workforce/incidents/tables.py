"""Incident records: the report, the people involved, photos, the investigation, OSHA classifications
(29 CFR 1904) and the per-establishment yearly figures for Form 300A.

Sites, stations and employees belong to the people module: they are stored here as plain integer ids
(indexed) and resolved through `workforce.people.directory`, so no foreign key crosses the module line.
Records the law keeps are never deleted: an incident is voided with a reason (1904.33 retention).
"""

from piccolo.columns import (
    JSON,
    Boolean,
    Bytea,
    Date,
    Float,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

INCIDENT_TYPES: dict[str, str] = {
    "near_miss": "Near miss",
    "first_aid": "First aid case",
    "injury_illness": "Injury or illness",
    "property_damage": "Property damage",
    "environmental": "Environmental release",
    "unsafe_condition": "Unsafe condition or act",
}
STATUSES: dict[str, str] = {"reported": "Reported", "investigating": "Investigating", "closed": "Closed"}
PERSON_ROLES: dict[str, str] = {"injured": "Injured or ill", "witness": "Witness", "involved": "Involved"}


class Incident(Table, tablename="wf_incident"):
    """One reported occurrence (ISO 45001 3.35). `occurred_at` is stored in UTC; forms show the site's
    time zone. The OSHA severe-event fields feed the 1904.39 reporting deadlines."""

    kind = Varchar(length=20, index=True)
    title = Varchar(length=200)
    description = Text(default="")
    immediate_action = Text(default="")
    occurred_at = Timestamptz(index=True)
    reported_at = Timestamptz(default=TimestamptzNow(), index=True)
    site_id = Integer(index=True)
    station_id = Integer(null=True, default=None, index=True)
    #: Free text for OSHA 300 column E when the station name is not enough ("loading dock 3").
    location_detail = Varchar(length=200, default="")
    reporter_user_id = Integer(null=True, default=None, index=True)
    reporter_name = Varchar(length=160, default="")
    status = Varchar(length=20, default="reported", index=True)
    #: Lower-cased title + description start, for the list's search box.
    search_text = Varchar(length=400, default="", index=True)
    # 1904.39 severe events: when they happened (None = did not), whether the report is exempt
    # ((b)(3)-(4): public road or public transport), and when OSHA was told.
    death_at = Timestamptz(null=True, default=None)
    hospitalized_at = Timestamptz(null=True, default=None)
    amputation = Boolean(default=False)
    loss_of_eye = Boolean(default=False)
    reporting_exempt = Boolean(default=False)
    osha_reported_at = Timestamptz(null=True, default=None)
    osha_report_reference = Varchar(length=120, default="")
    voided_at = Timestamptz(null=True, default=None, index=True)
    void_reason = Varchar(length=255, default="")
    voided_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class IncidentPerson(Table, tablename="wf_incident_person"):
    """A person in an incident. An injured person is one OSHA case (one 300 Log line, one 301); the
    301 fields below are personal data shown only to safety, HR and compliance."""

    incident = ForeignKey(Incident, index=True, on_delete=OnDelete.restrict)
    employee_id = Integer(index=True)
    role = Varchar(length=20, default="involved", index=True)
    statement = Text(default="")
    # Form 301 and 300 column F (1904.29(b)): what the injury was, body part, what harmed the person.
    injury_description = Varchar(length=255, default="")
    body_part = Varchar(length=120, default="")
    object_substance = Varchar(length=255, default="")
    activity_before = Text(default="")
    #: Column F text for the log; for a privacy case, a generic description (1904.29(b)(9)).
    log_description = Varchar(length=255, default="")
    time_began_work = Varchar(length=10, default="")
    physician = Varchar(length=160, default="")
    facility = Varchar(length=255, default="")
    emergency_room = Boolean(default=False)
    hospitalized_overnight = Boolean(default=False)
    street = Varchar(length=160, default="")
    city = Varchar(length=80, default="")
    state = Varchar(length=40, default="")
    zip_code = Varchar(length=20, default="")
    birth_date = Date(null=True, default=None)
    sex = Varchar(length=10, default="")
    #: Form 300 column A: "YYYY-NNN", given once the case is first classified recordable, then kept.
    case_number = Varchar(length=20, default="", index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class Photo(Table, tablename="wf_incident_photo"):
    """A photo stored with the record: re-encoded server side as JPEG, EXIF (GPS included) removed."""

    incident = ForeignKey(Incident, index=True, on_delete=OnDelete.restrict)
    content_type = Varchar(length=40, default="image/jpeg")
    data = Bytea()
    thumbnail = Bytea()
    width = Integer(default=0)
    height = Integer(default=0)
    size = Integer(default=0)
    caption = Varchar(length=200, default="")
    uploaded_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Investigation(Table, tablename="wf_investigation"):
    """The investigation of one incident: timeline, immediate causes, 5 Whys, fishbone (6M), 8D, summary.

    The structured parts are JSON: timeline [{at, text}], immediate_causes [text], whys [{why, because}],
    fishbone {category: [cause]}, eight_d {code: {done, note}}.
    """

    incident = ForeignKey(Incident, unique=True, index=True, on_delete=OnDelete.restrict)
    timeline = JSON(default=[])
    immediate_causes = JSON(default=[])
    whys = JSON(default=[])
    root_cause = Text(default="")
    fishbone = JSON(default={})
    eight_d = JSON(default={})
    use_eight_d = Boolean(default=False)
    summary = Text(default="")
    lead_name = Varchar(length=160, default="")
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class OshaClassification(Table, tablename="wf_osha_classification"):
    """One recordability decision for one case (an injured person), with its facts, the engine's result
    and the cited basis. A change adds a row with a reason and clears `current` on the old one, so the
    history stays. The result's columns are copied out for the 300 Log and 300A queries."""

    incident = ForeignKey(Incident, index=True, on_delete=OnDelete.restrict)
    person = ForeignKey(IncidentPerson, index=True, on_delete=OnDelete.restrict)
    current = Boolean(default=True, index=True)
    site_id = Integer(index=True)
    #: 1904.7(b)(3)(ix): a case is recorded on the log of the year of the injury or onset.
    log_year = Integer(index=True)
    facts = JSON(default={})
    result = JSON(default={})
    recordable = Boolean(default=False, index=True)
    outcome_column = Varchar(length=1, default="")
    days_away = Integer(default=0)
    restricted_days = Integer(default=0)
    type_column = Varchar(length=2, default="")
    privacy_case = Boolean(default=False)
    reason = Varchar(length=255, default="")
    classified_by = Integer(null=True, default=None)
    classified_by_name = Varchar(length=160, default="")
    classified_at = Timestamptz(default=TimestamptzNow())


class OshaYearData(Table, tablename="wf_osha_year"):
    """Form 300A figures for one establishment (site) and calendar year: average employees, total hours
    worked (entered, changed only with a reason), establishment details and the certification
    (1904.32(b)(3)-(4))."""

    site_id = Integer(index=True)
    year = Integer(index=True)
    average_employees = Integer(null=True, default=None)
    total_hours = Float(null=True, default=None)
    hours_note = Varchar(length=255, default="")
    establishment_name = Varchar(length=160, default="")
    street = Varchar(length=160, default="")
    city = Varchar(length=80, default="")
    state = Varchar(length=40, default="")
    zip_code = Varchar(length=20, default="")
    industry_description = Varchar(length=160, default="")
    naics = Varchar(length=10, default="")
    certified_name = Varchar(length=160, default="")
    certified_title = Varchar(length=120, default="")
    certified_phone = Varchar(length=40, default="")
    certified_on = Date(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)
