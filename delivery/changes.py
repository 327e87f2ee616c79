"""What a correction changed: every figure of figures.json that differs between two versions, old -> new.

Pure functions over two figures dicts (the version that was sent and the new one) and the plan (for the
Swedish labels). The list is shown in the correction's email and in the new version's report, so its
labels follow the report ("Personalkostnader, utfall ack.") and its values the report's Swedish formatting
(publish.formatting). A value that the report's precision would hide is shown more precisely: a correction
of 40 000 kronor in a figure of 192,3 mnkr reads "192 250 000,75 kr → 192 290 000,75 kr", never
"192,3 mnkr → 192,3 mnkr".

Compared are all published figures: the economy rows and results, the forecast adjustments, every
investment, every indicator (values, breakdowns, whether the target is met) and the goal assessments. Not
compared: the version itself, when it was generated, the data-quality findings (not figures), labels and
other text that follows from the plan, and the correction block. A key this module does not know (a figure
added later) is still listed, under its path in figures.json, so that no change can pass unmentioned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from publish.formatting import MISSING, mnkr, number, percent
from publish.mail import Change
from publish.render import ECONOMY_COLUMNS, age_group_label, row_labels
from uppfoljning.inputs import STATUS_LABELS
from uppfoljning.plan import Plan

Path = tuple[str, ...]

# Not figures: identity, timing, presentation, and the findings of the data-quality checks.
SKIPPED_TOP_LEVEL = frozenset(
    {
        "period",
        "version",
        "generated_at",
        "correction",
        "data_quality",
        "title",
        "organisation",
        "year",
        "month",
    }
)
SKIPPED_KEYS = frozenset(
    {"name", "window", "category", "focus_area", "council_goal", "suppressed", "suppressed_ytd"}
)
ECONOMY_RESULTS = {
    "periodresultat": "Periodresultat",
    "ackumulerad_budgetavvikelse": "Ackumulerad budgetavvikelse",
    "prognos_budgetavvikelse": "Prognos budgetavvikelse helår",
    "budgeted_result_ytd": "Budgeterat resultat ack.",
    "budgeted_result_year": "Budgeterat resultat helår",
    "forecast_result": "Prognos helårsresultat",
    "forecast_adjustments": "Prognosjusteringar",
}
COLUMN_LABELS = {
    **{key: label for key, label in ECONOMY_COLUMNS},
    "forecast_previous": "Prognos föregående rapport",
    "forecast_change": "Förändring av prognos",
}
INVESTMENT_LABELS = {
    "budget_year": "budget helår",
    "actual_ytd": "utfall ack.",
    "forecast_year": "prognos helår",
    "forecast_deviation": "prognosavvikelse",
    "comment": "kommentar",
}
INDICATOR_LABELS = {
    "value": "rullande 12 månader",
    "value_ytd": "hittills i år",
    "target": "målvärde",
    "met": "målvärdet uppnås",
    "numerator": "antal avslutade tillsvidareanställningar",
    "denominator": "medelantal tillsvidareanställda",
    "long_term_share": "andel långtidssjukfrånvaro, rullande 12 månader",
    "long_term_share_ytd": "andel långtidssjukfrånvaro, hittills i år",
    "persons": "antal personer",
}
SEX_LABELS = {"K": "kvinnor", "M": "män"}
TEXT_LIMIT = 80


@dataclass(frozen=True)
class FigureChange:
    """One changed figure: where it is in figures.json, its Swedish label, and both values raw and as text."""

    path: Path
    label: str
    old: Any
    new: Any
    old_text: str
    new_text: str

    def as_change(self) -> Change:
        return Change(self.label, self.old_text, self.new_text)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": ".".join(self.path),
            "label": self.label,
            "old": self.old,
            "new": self.new,
            "old_text": self.old_text,
            "new_text": self.new_text,
        }


def changed_figures(old: Mapping[str, Any], new: Mapping[str, Any], plan: Plan) -> list[FigureChange]:
    """Every figure that differs, in the order of the new figures.json (then any that only the old has)."""
    old_leaves, new_leaves = _leaves(old), _leaves(new)
    paths = [*new_leaves, *(path for path in old_leaves if path not in new_leaves)]
    names = _names(old, new)
    changes = []
    for path in paths:
        before, after = old_leaves.get(path), new_leaves.get(path)
        if _same(before, after):
            continue
        old_text, new_text = _texts(path, before, after, plan)
        changes.append(FigureChange(path, _label(path, plan, names), before, after, old_text, new_text))
    return changes


# --- flattening ------------------------------------------------------------------------------------------
def _leaves(figures: Mapping[str, Any]) -> dict[Path, Any]:
    leaves: dict[Path, Any] = {}
    for key, value in figures.items():
        if key in SKIPPED_TOP_LEVEL:
            continue
        if key == "investments" and isinstance(value, list):
            for item in value:
                _walk((key, str(item.get("project"))), item, leaves)
        elif key == "goals" and isinstance(value, list):
            for goal in value:
                for field in ("status", "comment"):
                    leaves[(key, str(goal.get("id")), field)] = goal.get(field)
        else:
            _walk((key,), value, leaves)
    return leaves


def _walk(path: Path, value: Any, leaves: dict[Path, Any]) -> None:
    if path[-1] in SKIPPED_KEYS:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _walk((*path, str(key)), item, leaves)
    else:
        leaves[path] = value  # numbers, text, None, and lists compared whole (forecast adjustments)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def _names(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[Path, str]:
    """Display names of investments and goals by their key, from either version."""
    names: dict[Path, str] = {}
    for figures in (old, new):
        for item in figures.get("investments") or []:
            names[("investments", str(item.get("project")))] = str(item.get("name") or item.get("project"))
        for goal in figures.get("goals") or []:
            names[("goals", str(goal.get("id")))] = str(goal.get("name") or goal.get("id"))
    return names


# --- labels ----------------------------------------------------------------------------------------------
def _label(path: Path, plan: Plan, names: Mapping[Path, str]) -> str:
    head = path[0]
    if head == "economy" and len(path) == 4 and path[1] == "rows":
        row = row_labels(plan).get(path[2], path[2])
        return f"{row}, {_lower_first(COLUMN_LABELS.get(path[3], path[3]))}"
    if head == "economy" and len(path) == 2 and path[1] in ECONOMY_RESULTS:
        return ECONOMY_RESULTS[path[1]]
    if head == "investments" and len(path) == 3:
        name = names.get(path[:2], path[1])
        return f"{name}, {INVESTMENT_LABELS.get(path[2], path[2])}"
    if head == "indicators" and len(path) >= 3:
        spec = plan.indicators.get(path[1])  # type: ignore[call-overload]
        indicator = spec.name if spec is not None else path[1]
        if path[2] == "by_sex" and len(path) == 4:
            return f"{indicator}, {SEX_LABELS.get(path[3], path[3])}"
        if path[2] == "by_age" and len(path) == 4:
            return f"{indicator}, {_age_label(plan, path[3])}"
        return f"{indicator}, {INDICATOR_LABELS.get(path[2], '.'.join(path[2:]))}"
    if head == "goals" and len(path) == 3:
        what = "bedömning" if path[2] == "status" else "kommentar"
        return f"Mål ”{_short(names.get(path[:2], path[1]))}”, {what}"
    return " › ".join(path)


def _age_label(plan: Plan, group: str) -> str:
    for age_group in plan.definitions.sick_leave.age_groups:
        if age_group.label == group:
            return age_group_label(age_group)
    return group


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- values ----------------------------------------------------------------------------------------------
def _texts(path: Path, old: Any, new: Any, plan: Plan) -> tuple[str, str]:
    kind = _kind(path)
    if kind == "amount":
        return _precise(old, new, [lambda v: f"{mnkr(v)} mnkr", lambda v: f"{number(v)} kr", _kronor_ore])
    if kind == "percent":
        return _precise(old, new, [lambda v, d=d: percent(v, d) for d in (1, 2, 3)])  # type: ignore[misc]
    if kind == "count":
        return _precise(old, new, [lambda v: number(v), lambda v: number(v, 2)])
    if kind == "decimal":
        return _precise(old, new, [lambda v: number(v, 1), lambda v: number(v, 3)])
    if kind == "adjustments":
        return _adjustments(old, plan), _adjustments(new, plan)
    return _text(path, old), _text(path, new)


def _kind(path: Path) -> str:
    head, last = path[0], path[-1]
    if head == "economy" and last == "forecast_adjustments":
        return "adjustments"
    if head in ("economy", "investments") and last != "comment":
        return "amount"
    if head == "indicators":
        if last in ("numerator", "persons"):
            return "count"
        if last == "denominator":
            return "decimal"
        if last != "met":
            return "percent"
    return "text"


def _precise(old: Any, new: Any, formats: Sequence[Any]) -> tuple[str, str]:
    """The first format (the report's) that tells the two values apart; None is "–" in every format."""
    if not _is_number(old) or not _is_number(new):
        first = formats[0]
        return (first(old) if _is_number(old) else _text((), old)), (
            first(new) if _is_number(new) else _text((), new)
        )
    for fmt in formats:
        old_text, new_text = fmt(old), fmt(new)
        if old_text != new_text:
            return old_text, new_text
    return old_text, new_text


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kronor_ore(value: float) -> str:
    return f"{number(value, 2)} kr"


def _text(path: Path, value: Any) -> str:
    if value is None:
        return "saknas" if path and path[0] == "goals" else MISSING
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if path and path[0] == "goals" and path[-1] == "status":
        return STATUS_LABELS.get(str(value), str(value))
    if _is_number(value):
        return number(value, 2)
    return _short(str(value))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1].rstrip() + "…"


def _adjustments(value: Any, plan: Plan) -> str:
    if not value:
        return "inga"
    labels = row_labels(plan)
    return "; ".join(
        f"{labels.get(item.get('row'), item.get('row'))} {mnkr(item.get('amount_sek'))} mnkr"
        for item in value
    )
