"""Investigation helpers: 5 Whys, fishbone (6M), 8D progress and the CAPA status machine (ISO 45001 10.2)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

MAX_WHYS = 7  # "5" is a rule of thumb; a longer chain usually mixes two problems.


class InvestigationError(ValueError):
    """Invalid investigation input; `field` names where, e.g. `whys[2].because` or `causes.machine[0]`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Why:
    """One link: the question asked and the verified answer."""

    why: str
    because: str


def five_whys_root_cause(chain: Sequence[Why | Mapping[str, str]]) -> str:
    """Validate a 5 Whys chain (1..MAX_WHYS links, no blank why or because); return the root cause, which
    is the last because."""
    if not 1 <= len(chain) <= MAX_WHYS:
        raise InvestigationError("whys", f"give between 1 and {MAX_WHYS} whys, got {len(chain)}")
    steps = [
        link if isinstance(link, Why) else Why(link.get("why", ""), link.get("because", "")) for link in chain
    ]
    for i, step in enumerate(steps):
        for part in ("why", "because"):
            value = getattr(step, part)
            if not isinstance(value, str) or not value.strip():
                raise InvestigationError(f"whys[{i}].{part}", "must be non-empty text")
    return steps[-1].because.strip()


# Ishikawa 6M, in the usual drawing order; some sites add "management" through `categories`.
FISHBONE_CATEGORIES: tuple[str, ...] = ("man", "machine", "method", "material", "measurement", "environment")
FISHBONE_LABELS: dict[str, str] = {
    "man": "Man / People",
    "machine": "Machine",
    "method": "Method",
    "material": "Material",
    "measurement": "Measurement",
    "environment": "Mother nature / Environment",
    "management": "Management",
}


def validate_fishbone(
    causes: Mapping[str, Sequence[str]], categories: Sequence[str] = FISHBONE_CATEGORIES
) -> dict[str, list[str]]:
    """Check causes per category (known category, non-blank, no repeats within a bone) and return them
    trimmed, every category present, in `categories` order."""
    for name in causes:
        if name not in categories:
            expected = ", ".join(categories)
            raise InvestigationError(f"causes.{name}", f"unknown category (expected one of {expected})")
    cleaned: dict[str, list[str]] = {}
    for name in categories:
        seen: set[str] = set()
        cleaned[name] = []
        for i, cause in enumerate(causes.get(name, ())):
            text = cause.strip() if isinstance(cause, str) else ""
            if not text:
                raise InvestigationError(f"causes.{name}[{i}]", "must be non-empty text")
            if text.casefold() in seen:
                raise InvestigationError(f"causes.{name}[{i}]", f"duplicate cause {text!r}")
            seen.add(text.casefold())
            cleaned[name].append(text)
    return cleaned


EIGHT_D_STEPS: tuple[tuple[str, str], ...] = (
    ("D0", "Plan and emergency response"),
    ("D1", "Form the team"),
    ("D2", "Describe the problem"),
    ("D3", "Interim containment"),
    ("D4", "Root cause and escape point, verified"),
    ("D5", "Choose and verify permanent corrective actions"),
    ("D6", "Implement and validate permanent corrective actions"),
    ("D7", "Prevent recurrence"),
    ("D8", "Recognize the team and close"),
)
_EIGHT_D_CODES = tuple(code for code, _ in EIGHT_D_STEPS)


@dataclass(frozen=True)
class EightDProgress:
    """`next_step` is the first step not done (None when all are); `percent` is whole-number progress."""

    done: tuple[str, ...]
    next_step: str | None
    percent: int
    complete: bool


def eight_d_progress(completed: Iterable[str]) -> EightDProgress:
    """Progress of an 8D report from the codes of completed steps (any order)."""
    finished = set(completed)
    unknown = finished - set(_EIGHT_D_CODES)
    if unknown:
        raise InvestigationError("steps", f"unknown 8D step(s): {', '.join(sorted(unknown))}")
    done = tuple(code for code in _EIGHT_D_CODES if code in finished)
    pending = [code for code in _EIGHT_D_CODES if code not in finished]
    return EightDProgress(
        done, pending[0] if pending else None, len(done) * 100 // len(_EIGHT_D_CODES), not pending
    )


# CAPA statuses. "done" = implemented, awaiting the effectiveness check.
CAPA_STATUSES: tuple[str, ...] = ("open", "in_progress", "done", "verified_effective", "cancelled")
CAPA_TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"in_progress", "done", "cancelled"}),
    "in_progress": frozenset({"done", "cancelled"}),
    # ISO 45001 10.2(f): a failed effectiveness review sends the action back to work.
    "done": frozenset({"verified_effective", "in_progress"}),
    "verified_effective": frozenset(),
    "cancelled": frozenset(),
}
_ACTIVE = frozenset({"open", "in_progress"})


class ActionStateError(ValueError):
    """A CAPA status change that is not allowed."""


@dataclass(frozen=True)
class EffectivenessCheck:
    """A dated check of an implemented action against a stated criterion (ISO 45001 10.2(f))."""

    checked_on: date
    criterion: str
    result: str
    effective: bool


def transition(current: str, target: str, *, check: EffectivenessCheck | None = None) -> str:
    """Return `target` if the CAPA may move there from `current`; raise ActionStateError otherwise.
    Reaching verified_effective needs an effectiveness check that found the action effective."""
    for status in (current, target):
        if status not in CAPA_STATUSES:
            expected = ", ".join(CAPA_STATUSES)
            raise ActionStateError(f"unknown CAPA status {status!r} (expected one of {expected})")
    if target not in CAPA_TRANSITIONS[current]:
        allowed = ", ".join(sorted(CAPA_TRANSITIONS[current])) or "none, it is final"
        raise ActionStateError(f"cannot move a CAPA from {current} to {target}; allowed: {allowed}")
    if target == "verified_effective":
        if check is None or not check.criterion.strip() or not check.result.strip():
            raise ActionStateError(
                "verified_effective needs an effectiveness check with a criterion and a result"
            )
        if not check.effective:
            raise ActionStateError("the effectiveness check failed: reopen the action (in_progress) instead")
    return target


def apply_effectiveness_check(current: str, check: EffectivenessCheck) -> str:
    """Status after checking a done action: verified_effective if it worked, else back to in_progress."""
    return transition(current, "verified_effective" if check.effective else "in_progress", check=check)


def is_overdue(status: str, due_date: date | None, today: date) -> bool:
    """An open or in-progress action past its due date; done, verified or cancelled ones are never overdue."""
    return status in _ACTIVE and due_date is not None and today > due_date
