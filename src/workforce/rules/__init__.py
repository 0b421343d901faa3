"""Labour rules: overtime pay tiers, working-time limits and overtime equalization, as pure functions.

No database and no HTTP here; the web layer stores rule-set TOML and shifts and calls these functions.
"""

from .engine import check_extra_shift, evaluate
from .equalization import (
    Candidate,
    Opportunity,
    Outcome,
    Ranked,
    Ranking,
    charge_for_outcome,
    describe_order,
    entry_charge,
    fairness_spread,
    forced_order,
    ledger_start,
    order_candidates,
    rank_candidates,
    shared_order,
)
from .model import DayHours, EmployeeResult, EvaluationResult, RuleSet, Shift, SortKey, Violation, WeekHours
from .report import format_table, summary
from .ruleset import (
    PRESETS,
    RuleSetError,
    diff_rulesets,
    dump_ruleset,
    load_preset,
    load_rules,
    parse_ruleset,
    preset_text,
)
from .timesheet import TimesheetError, parse_timesheet, read_timesheet

__all__ = [
    "PRESETS",
    "Candidate",
    "DayHours",
    "EmployeeResult",
    "EvaluationResult",
    "Opportunity",
    "Outcome",
    "Ranked",
    "Ranking",
    "RuleSet",
    "RuleSetError",
    "Shift",
    "SortKey",
    "TimesheetError",
    "Violation",
    "WeekHours",
    "charge_for_outcome",
    "check_extra_shift",
    "describe_order",
    "diff_rulesets",
    "dump_ruleset",
    "entry_charge",
    "evaluate",
    "fairness_spread",
    "forced_order",
    "format_table",
    "ledger_start",
    "load_preset",
    "load_rules",
    "order_candidates",
    "parse_ruleset",
    "parse_timesheet",
    "preset_text",
    "rank_candidates",
    "read_timesheet",
    "shared_order",
    "summary",
]
