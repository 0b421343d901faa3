"""Create, update and (de)activate organisation units from their specs, with audit entries."""

from __future__ import annotations

from typing import Any

from workforce.audit import trail
from workforce.db import transaction, update_versioned
from workforce.people.org_specs import OrgSpec


def parse(
    spec: OrgSpec, data: dict[str, Any], choice_values: dict[str, set[str]]
) -> tuple[dict, dict[str, str]]:
    """Form or API values → clean values and field errors (no database: choices given)."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for fld in spec.fields:
        raw = data.get(fld.name, fld.default if fld.kind == "bool" else "")
        if fld.kind == "bool":
            clean[fld.name] = raw in (True, "on", "true", "1", 1)
            continue
        text = str(raw if raw is not None else "").strip()
        if fld.required and not text:
            errors[fld.name] = "required"
            continue
        if fld.kind == "int":
            try:
                clean[fld.name] = int(text) if text else None
                if clean[fld.name] is not None and clean[fld.name] < 0:
                    errors[fld.name] = "must be 0 or more"
            except ValueError:
                errors[fld.name] = f"{text!r} is not a whole number"
            continue
        if fld.kind == "select":
            if text and text not in choice_values.get(fld.name, set()):
                errors[fld.name] = f"unknown {fld.label.lower()} {text!r}"
            clean[fld.name] = int(text) if text.isdigit() else text
            continue
        if len(text) > fld.max_len:
            errors[fld.name] = f"at most {fld.max_len} characters"
        clean[fld.name] = text.upper() if fld.name in ("code", "country") else text
    if spec.extra_checks and not errors:
        errors.update(spec.extra_checks(clean))
    return clean, errors


async def code_taken(spec: OrgSpec, clean: dict[str, Any], exclude_id: int | None) -> bool:
    table = spec.table
    query = table.exists().where(table.code == clean["code"])  # type: ignore[attr-defined]
    if spec.parent:
        query = query.where(getattr(table, spec.parent) == clean[spec.parent])
    if exclude_id:
        query = query.where(table._meta.primary_key != exclude_id)
    return await query


async def choice_values(spec: OrgSpec) -> dict[str, set[str]]:
    out = {}
    for fld in spec.fields:
        if fld.choices:
            out[fld.name] = {str(v) for v, _ in await fld.choices()}
    return out


class OrgInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _entity(spec: OrgSpec) -> str:
    return spec.singular.replace(" ", "_")


async def create(spec: OrgSpec, data: dict[str, Any]) -> int:
    clean, errors = parse(spec, data, await choice_values(spec))
    if errors:
        raise OrgInvalid(errors)
    async with transaction():
        if await code_taken(spec, clean, None):
            raise OrgInvalid(
                {
                    "code": f"code {clean['code']} is already used"
                    + (f" in this {spec.parent}" if spec.parent else "")
                }
            )
        rows = await spec.table.insert(spec.table(**clean)).returning(spec.table._meta.primary_key)
        new_id = rows[0]["id"]
        await trail.record(
            f"{_entity(spec)}.create",
            _entity(spec),
            new_id,
            after=clean,
            summary=f"{spec.singular.capitalize()} {clean['code']} created",
        )
    return new_id


async def update(spec: OrgSpec, row_id: int, version: int, data: dict[str, Any]) -> None:
    clean, errors = parse(spec, data, await choice_values(spec))
    if errors:
        raise OrgInvalid(errors)
    async with transaction():
        if await code_taken(spec, clean, row_id):
            raise OrgInvalid({"code": f"code {clean['code']} is already used"})
        before = await spec.table.select().where(spec.table._meta.primary_key == row_id).first()
        await update_versioned(spec.table, row_id, version, clean)
        after = await spec.table.select().where(spec.table._meta.primary_key == row_id).first()
        await trail.record(
            f"{_entity(spec)}.update",
            _entity(spec),
            row_id,
            before=before,
            after=after,
            summary=f"{spec.singular.capitalize()} {clean['code']} updated",
        )


async def set_active(spec: OrgSpec, row_id: int, active: bool) -> bool:
    table = spec.table
    async with transaction():
        rows = (
            await table.update({table.active: active, table.version: table.version + 1})
            .where(  # type: ignore
                table._meta.primary_key == row_id
            )
            .returning(table.code)
        )  # type: ignore[attr-defined]
        if rows:
            await trail.record(
                f"{_entity(spec)}.{'activate' if active else 'deactivate'}",
                _entity(spec),
                row_id,
                before={"active": not active},
                after={"active": active},
                summary=f"{spec.singular.capitalize()} {rows[0]['code']} "
                + ("reactivated" if active else "deactivated"),
            )
    return bool(rows)
