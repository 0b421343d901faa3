"""Shell-level tables: idempotency keys (one record per submit) and server-side form drafts."""

from piccolo.columns import JSON, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class IdempotencyKey(Table, tablename="wf_idempotency"):
    """A form's one-time key; the unique index makes a double submit land once."""

    key = Varchar(length=64, unique=True, index=True)
    scope = Varchar(length=60)
    entity_id = Varchar(length=60, default="")
    user_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class FormDraft(Table, tablename="wf_form_draft"):
    """A half-filled form kept server-side so a tablet reload does not lose it."""

    user_id = Integer(index=True)
    form = Varchar(length=60, index=True)
    data = JSON(default={})
    updated_at = Timestamptz(default=TimestamptzNow())
