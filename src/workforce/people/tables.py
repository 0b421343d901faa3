"""People and organisation: site → department → line → station; crews; bargaining units; employees.

Every table has a `version` column for optimistic locking and an `active` flag (or, for
employees, a status): records are deactivated, never deleted, so history stays readable.
"""

from piccolo.columns import (
    JSON,
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Site(Table, tablename="wf_site"):
    """A plant (an OSHA 'establishment'). Its time zone and holiday calendar govern its rosters."""

    code = Varchar(length=20, unique=True, index=True)
    name = Varchar(length=120)
    timezone = Varchar(length=60, default="America/Chicago")
    #: ISO 3166 country and subdivision codes for the `holidays` library (e.g. US / IL).
    country = Varchar(length=2, default="US")
    subdivision = Varchar(length=10, default="")
    paper_size = Varchar(length=10, default="Letter")
    address = Varchar(length=255, default="")
    active = Boolean(default=True, index=True)
    version = Integer(default=1)


class Department(Table, tablename="wf_department"):
    site = ForeignKey(Site, index=True)
    code = Varchar(length=20, index=True)
    name = Varchar(length=120)
    active = Boolean(default=True, index=True)
    version = Integer(default=1)


class Line(Table, tablename="wf_line"):
    """A production line or area inside a department."""

    department = ForeignKey(Department, index=True)
    code = Varchar(length=20, index=True)
    name = Varchar(length=120)
    active = Boolean(default=True, index=True)
    version = Integer(default=1)


class Station(Table, tablename="wf_station"):
    """A work station: where people are qualified, rostered, hurt, and where permits apply."""

    line = ForeignKey(Line, index=True)
    code = Varchar(length=30, index=True)
    name = Varchar(length=120)
    #: Minimum qualified people per shift (rule-of-three coverage; see training notes).
    min_qualified = Integer(default=3)
    active = Boolean(default=True, index=True)
    version = Integer(default=1)


class Crew(Table, tablename="wf_crew"):
    """A shift crew (A, B, C, D …) of one site; rotations are assigned per crew."""

    site = ForeignKey(Site, index=True)
    code = Varchar(length=10, index=True)
    name = Varchar(length=60)
    active = Boolean(default=True, index=True)
    version = Integer(default=1)


class BargainingUnit(Table, tablename="wf_bargaining_unit"):
    """A union local (or 'non-union'); the rules module attaches rule-set versions to it."""

    code = Varchar(length=20, unique=True, index=True)
    name = Varchar(length=120)
    union_name = Varchar(length=120, default="")
    non_union = Boolean(default=False)
    active = Boolean(default=True, index=True)
    version = Integer(default=1)


EMPLOYMENT_TYPES = {
    "full_time": "Full-time",
    "part_time": "Part-time",
    "temporary": "Temporary",
    "agency": "Agency",
}
STATUSES = {"active": "Active", "on_leave": "On leave", "terminated": "Terminated"}


class Employee(Table, tablename="wf_employee"):
    """A person on the payroll or on site through an agency. Terminated employees stay."""

    employee_number = Varchar(length=20, unique=True, index=True)
    first_name = Varchar(length=80)
    last_name = Varchar(length=80, index=True)
    preferred_name = Varchar(length=80, default="")
    #: Lower-cased "last first preferred number" for search-as-you-type.
    search_text = Varchar(length=300, default="", index=True)
    job_class = Varchar(length=80, default="")
    site = ForeignKey(Site, index=True)
    department = ForeignKey(Department, null=True, index=True)
    home_station = ForeignKey(Station, null=True, index=True)
    crew = ForeignKey(Crew, null=True, index=True)
    bargaining_unit = ForeignKey(BargainingUnit, null=True, index=True)
    employment_type = Varchar(length=20, default="full_time", choices=None, index=True)
    hire_date = Date()
    seniority_date = Date(index=True)
    supervisor = ForeignKey("self", null=True)
    status = Varchar(length=20, default="active", index=True)
    status_reason = Varchar(length=255, default="")
    termination_date = Date(null=True, default=None)
    phone = Varchar(length=40, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class EmployeeImport(Table, tablename="wf_employee_import"):
    """An uploaded employee file, kept so the preview and the apply read the same bytes without a
    re-upload. `applied_at` is set once, in the apply's transaction: a second apply is a no-op."""

    user_id = Integer(index=True)
    filename = Varchar(length=255)
    content = Bytea()
    created_at = Timestamptz(default=TimestamptzNow())
    applied_at = Timestamptz(null=True, default=None)
    #: Rows and columns at upload; counts (created/updated/unchanged) and who applied, after apply.
    summary = JSON(default={})
