"""Shell-level tables: idempotency keys (one record per submit), server-side form drafts, printed parts."""

from piccolo.columns import JSON, Bytea, Integer, Timestamptz, Varchar
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


class PrintedPart(Table, tablename="wf_printed_part"):
    """A laid-out part of a long PDF, keyed by a hash of its HTML and the print styles (web/pdf_cache.py).
    It holds no names of who printed or when: those are on the frame stamped over it at print time."""

    key = Varchar(length=64, unique=True, index=True)
    document = Varchar(length=120, index=True)  # e.g. "osha300:<site id>:<year>"
    pdf = Bytea()
    pages = Integer()
    used_at = Timestamptz(default=TimestamptzNow(), index=True)  # last printed; old ones are dropped
