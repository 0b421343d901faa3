"""Employee import over the database: keep the uploaded file, preview it against the current
records, apply it in one transaction (all rows or none), with an audit entry per employee."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from workforce.audit import trail
from workforce.audit.tables import AuditEntry
from workforce.db import StaleVersion, transaction, update_versioned, utcnow
from workforce.people import importing, service
from workforce.people.importing import ImportFileError, Preview, PreviewRow
from workforce.people.tables import Employee, EmployeeImport
from workforce.people.validation import values_for_write

#: Employee numbers per IN (...) query when loading the current records.
NUMBERS_PER_QUERY = 500
HEAD_COLUMNS = (
    EmployeeImport.id,
    EmployeeImport.user_id,
    EmployeeImport.filename,
    EmployeeImport.created_at,
    EmployeeImport.applied_at,
    EmployeeImport.summary,
)


class ImportRefused(Exception):
    """Apply did not write anything; `message` says why (errors, a concurrent change, applied already)."""

    def __init__(self, message: str, *, status: int = 400, already_applied: bool = False):
        super().__init__(message)
        self.message = message
        self.status = status
        self.already_applied = already_applied


#: How long an applied import's file is kept before its bytes are dropped.
KEEP_APPLIED_FILES = timedelta(days=30)


async def store_upload(user_id: int, filename: str, content: bytes) -> int:
    """Check the file can be read (type, encoding, header, rows) and keep it; raises ImportFileError."""
    parsed = importing.read_file(filename, content)
    name = (filename or "upload").replace("\\", "/").rsplit("/", 1)[-1][:255]
    async with transaction():
        rows = await EmployeeImport.insert(
            EmployeeImport(
                user_id=user_id,
                filename=name,
                content=content,
                summary={"rows": len(parsed.rows), "columns": list(parsed.columns)},
            )
        ).returning(EmployeeImport.id)
        import_id = rows[0]["id"]
        # Uploaded files hold personal data: drop the bytes of imports applied long ago (the
        # audit trail keeps what each row changed). Done here, where uploads happen anyway.
        await EmployeeImport.update({EmployeeImport.content: b""}).where(
            EmployeeImport.applied_at.is_not_null()
            & (EmployeeImport.applied_at < utcnow() - KEEP_APPLIED_FILES)
        )
        await trail.record(
            "employee_import.upload",
            "employee_import",
            import_id,
            after={
                "filename": name,
                "bytes": len(content),
                "rows": len(parsed.rows),
                "columns": list(parsed.columns),
            },
            summary=f"Employee file {name} uploaded ({len(parsed.rows)} rows)",
        )
    return import_id


async def get_import(import_id: int, *, with_content: bool = False) -> dict[str, Any] | None:
    columns = (*HEAD_COLUMNS, EmployeeImport.content) if with_content else HEAD_COLUMNS
    row = (
        await EmployeeImport.select(*columns)
        .where(EmployeeImport.id == import_id)
        .output(load_json=True)
        .first()
    )
    if row is not None and with_content and isinstance(row["content"], memoryview):
        row["content"] = row["content"].tobytes()
    return row


async def recent_imports(limit: int = 10) -> list[dict[str, Any]]:
    return (
        await EmployeeImport.select(*HEAD_COLUMNS)
        .order_by(EmployeeImport.id, ascending=False)
        .limit(limit)
        .output(load_json=True)
    )


async def current_employees(numbers: set[str]) -> dict[str, dict[str, Any]]:
    """The employees with these numbers (upper case), as `service.RAW_COLUMNS` selects them."""
    found: dict[str, dict[str, Any]] = {}
    wanted = sorted(numbers)
    for start in range(0, len(wanted), NUMBERS_PER_QUERY):
        chunk = wanted[start : start + NUMBERS_PER_QUERY]
        for row in await Employee.select(*service.RAW_COLUMNS).where(Employee.employee_number.is_in(chunk)):
            found[row["employee_number"].upper()] = row
    return found


async def allowed_site_codes(user: Any) -> set[str] | None:
    """Site codes the user may import for (their account's limits; None: every site)."""
    if user is None or not getattr(user, "sites", None) or user.has("admin"):
        return None
    return {s.upper() for s in user.sites}


async def preview(content: bytes, filename: str, user: Any, *, today: date | None = None) -> Preview:
    """Classify the file against the records as they are now: load_refs (6 queries) plus one query
    per 500 employee numbers, whatever the file's size."""
    parsed = importing.read_file(filename, content)
    refs = await service.load_refs()
    current = await current_employees(importing.numbers_in(parsed))
    return importing.classify(
        parsed, refs, current, today=today or date.today(), allowed_sites=await allowed_site_codes(user)
    )


async def last_audit_id() -> int:
    row = await AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id, ascending=False).first()
    return row["id"] if row else 0


async def _changes_since(as_of: int, pv: Preview) -> str:
    """Who changed the file's employees since the preview was shown (from the audit trail)."""
    ids = {str(r.employee_id) for r in pv.rows if r.employee_id}
    numbers = {r.employee_number for r in pv.rows}
    entries = (
        await AuditEntry.select(
            AuditEntry.entity_id, AuditEntry.actor_name, AuditEntry.at, AuditEntry.summary
        )
        .where((AuditEntry.id > as_of) & (AuditEntry.entity_type == "employee"))
        .order_by(AuditEntry.id)
        .limit(500)
    )
    labels = {f"Employee {n} " for n in numbers}
    hits = [e for e in entries if e["entity_id"] in ids or any(label in e["summary"] for label in labels)]
    if not hits:
        return ""
    shown = "; ".join(f"{e['summary']} by {e['actor_name']} at {_hhmm(e['at'])}" for e in hits[:3])
    more = f" and {len(hits) - 3} more" if len(hits) > 3 else ""
    return f" ({shown}{more})"


def _hhmm(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)[:16]


def _write_values(row: PreviewRow, created: dict[int, int]) -> dict[str, Any]:
    clean = dict(row.clean or {})
    if clean.get("supervisor") is not None and clean["supervisor"] < 0:
        clean["supervisor"] = created[clean["supervisor"]]  # a supervisor created on an earlier row
    return values_for_write(clean)


async def write_row(row: PreviewRow, import_id: int, created: dict[int, int]) -> None:
    """One create or update and its audit entry (inside apply's transaction)."""
    values = _write_values(row, created)
    if row.kind == "create":
        inserted = await Employee.insert(Employee(**values)).returning(Employee.id)
        row.employee_id = inserted[0]["id"]
        created[-row.row] = row.employee_id
        await trail.record(
            "employee.create",
            "employee",
            row.employee_id,
            after=row.after,
            summary=f"Employee {row.employee_number} created by import #{import_id}",
        )
    elif row.kind == "update":
        assert row.employee_id is not None and row.version is not None
        values["updated_at"] = utcnow()
        if "status" in row.changes:  # the record page shows why the status changed
            values["status_reason"] = f"Set by employee import #{import_id}"
        await update_versioned(Employee, row.employee_id, row.version, values)
        await trail.record(
            "employee.update",
            "employee",
            row.employee_id,
            before=row.before,
            after=row.after,
            summary=f"Employee {row.employee_number} updated by import #{import_id} "
            f"({', '.join(row.changes)})",
        )


async def apply(
    import_id: int, user: Any, *, fingerprint: str = "", as_of: int = 0, today: date | None = None
) -> dict[str, Any]:
    """Write every row of the stored file in one transaction, or nothing.

    Refuses (ImportRefused, nothing written) when the import was applied already, when a row has an
    error now, or when the records changed since the preview with `fingerprint` was shown. A write
    failing half-way rolls the whole file back."""
    try:
        async with transaction():
            # Claim first: two clicks (or two tablets) cannot both apply; the second waits, then sees it
            # applied already.
            claimed = (
                await EmployeeImport.update({EmployeeImport.applied_at: utcnow()})
                .where((EmployeeImport.id == import_id) & EmployeeImport.applied_at.is_null())
                .returning(EmployeeImport.id)
            )
            if not claimed:
                imp = await get_import(import_id)
                if imp is None:
                    raise ImportRefused("There is no such import.", status=404)
                raise ImportRefused(
                    f"This file was already applied on {_hhmm(imp['applied_at'])}; "
                    "nothing was written again.",
                    status=409,
                    already_applied=True,
                )
            imp = await get_import(import_id, with_content=True)
            assert imp is not None
            pv = await preview(imp["content"], imp["filename"], user, today=today)
            counts = pv.counts
            if counts["error"]:
                raise ImportRefused(
                    f"{counts['error']} row(s) have errors, so nothing was written. Correct the "
                    "file and upload it again."
                )
            if fingerprint and fingerprint != pv.fingerprint:
                raise ImportRefused(
                    "Employee records in this file changed since you opened the preview"
                    f"{await _changes_since(as_of, pv)}. Nothing was written: check the preview "
                    "below and apply again.",
                    status=409,
                )
            created: dict[int, int] = {}
            for row in pv.rows:
                await write_row(row, import_id, created)
            summary = {
                **(imp["summary"] or {}),
                "created": counts["create"],
                "updated": counts["update"],
                "unchanged": counts["unchanged"],
                "applied_by": getattr(user, "username", "system"),
            }
            await EmployeeImport.update({EmployeeImport.summary: summary}).where(
                EmployeeImport.id == import_id
            )
            await trail.record(
                "employee_import.apply",
                "employee_import",
                import_id,
                after=summary,
                summary=f"Employee file {imp['filename']} applied: {counts['create']} created, "
                f"{counts['update']} updated, {counts['unchanged']} unchanged",
            )
    except StaleVersion as exc:
        number = (exc.current or {}).get("employee_number", "an employee")
        raise ImportRefused(
            f"Employee {number} was changed by someone else while the file was being applied. "
            "Nothing was written: check the preview and apply again.",
            status=409,
        ) from exc
    except ImportFileError as exc:  # the stored file was readable at upload; only a code change gets here
        raise ImportRefused("The stored file cannot be read any more: " + "; ".join(exc.messages)) from exc
    return summary
