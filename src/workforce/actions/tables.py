"""Corrective and preventive actions (CAPA, ISO 45001:2018 10.2): one table shared by every module
that raises actions (incidents now; audit findings and permits later)."""

from piccolo.columns import Boolean, Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Action(Table, tablename="wf_action"):
    """One action with an owner, a due date and a status (see incidents.rootcause CAPA_STATUSES).

    The source is a plain (type, id) pair rather than a foreign key, so audits and permits can raise
    actions later without a migration here. Actions are never deleted: cancelled with a reason.
    """

    source_type = Varchar(length=40, index=True)
    source_id = Integer(index=True)
    #: Site the source belongs to (plain id from the people directory), for site-scoped lists.
    site_id = Integer(null=True, default=None, index=True)
    title = Varchar(length=200)
    description = Text(default="")
    #: correction | corrective | preventive (ISO 45001 10.2 vocabulary).
    kind = Varchar(length=20, default="corrective")
    #: Hierarchy of controls level (ISO 45001 8.1.2): elimination … ppe.
    control_level = Varchar(length=20, default="")
    owner_user_id = Integer(null=True, default=None, index=True)
    owner_name = Varchar(length=160, default="")
    priority = Varchar(length=10, default="medium")
    due_date = Date(index=True)
    status = Varchar(length=20, default="open", index=True)
    status_reason = Varchar(length=255, default="")
    completed_on = Date(null=True, default=None)
    #: The planned effectiveness check (typically 30–90 days after implementation) and its outcome.
    effectiveness_due = Date(null=True, default=None, index=True)
    effectiveness_criterion = Varchar(length=255, default="")
    effectiveness_checked_on = Date(null=True, default=None)
    effectiveness_result = Text(default="")
    effective = Boolean(null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)
