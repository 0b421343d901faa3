"""The audit trail: one append-only table every write goes through (see audit.trail.record)."""

from piccolo.columns import JSON, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditEntry(Table, tablename="wf_audit"):
    """Who changed what, when, with the values before and after.

    The actor's id *and* name are kept as plain values, not a foreign key, so an entry stays
    readable whatever happens to the account later.
    """

    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_id = Integer(null=True, default=None, index=True)
    actor_name = Varchar(length=120, default="system", index=True)
    action = Varchar(length=60, index=True)
    entity_type = Varchar(length=60, index=True)
    entity_id = Varchar(length=60, index=True)
    summary = Varchar(length=255, default="")
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)
    request_id = Varchar(length=40, default="", index=True)
