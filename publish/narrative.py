"""Drafted Swedish sentences for the board, from the figures alone.

A sentence states what the figures say — sizes, directions, the period — in words a politician reads without
a manual: revenues and costs as positive amounts, "högre/lägre än budget", "överskott/underskott",
"bättre/sämre än budget". It never states a cause: the cause is the controller's comment, printed after it.

Everything here is presentation: the inputs are figures.json's entries (SEK, ledger sign), the outputs are
strings. Amounts are rounded as the report shows them (publish.formatting.money: mnkr with one decimal from
1 mnkr, tkr below), and a direction word is chosen from the rounded amount, so that "0,0 mnkr högre" never
appears: an amount that rounds to nothing is "i nivå med budget".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from publish.formatting import MISSING, money, month_name, month_span, target_percent, verdict_percent
from uppfoljning.plan import Plan

RESULT_SUBJECT = "Resultatet"


def _rounds_to_zero(value: float) -> bool:
    """True when the amount shows as "0 kr": no direction word can be honest then."""
    return abs(value) < 0.5


def magnitude(value: float | None) -> str:
    """The size of an amount with its unit, without sign: −2 300 000 -> "2,3 mnkr"."""
    return MISSING if value is None else money(abs(value))


def names_list(names: Sequence[str]) -> str:
    """”A”, ”B” och ”C”: names in Swedish quotation marks, joined as Swedish prose."""
    quoted = [f"”{name}”" for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " och " + quoted[-1]


def result_phrase(result: float | None) -> str:
    """A result (positive = surplus) in words: "ett överskott på 2,3 mnkr", "ett underskott på 1,1 mnkr"."""
    if result is None:
        return MISSING
    if _rounds_to_zero(result):
        return "ett resultat i balans"
    return f"ett {'överskott' if result > 0 else 'underskott'} på {magnitude(result)}"


def versus_budget(deviation: float | None) -> str:
    """A deviation (positive = favourable) in words: "2,3 mnkr bättre än budget", "i nivå med budget"."""
    if deviation is None:
        return MISSING
    if _rounds_to_zero(deviation):
        return "i nivå med budget"
    return f"{magnitude(deviation)} {'bättre' if deviation > 0 else 'sämre'} än budget"


def _higher_or_lower(deviation: float, row_type: str) -> str:
    """For a row of the ledger: deviation = budget − actual. A cost under budget is lower (favourable);
    revenue over budget is higher (also favourable), so the word depends on the row's type."""
    if _rounds_to_zero(deviation):
        return "i nivå med budget"
    favourable = deviation > 0
    higher = favourable if row_type == "revenue" else not favourable
    return f"{magnitude(deviation)} {'högre' if higher else 'lägre'} än budget"


def _forecast_vs_budget(forecast_deviation: float) -> str:
    if _rounds_to_zero(forecast_deviation):
        return "helårsprognosen är i nivå med budget"
    word = "ett överskott" if forecast_deviation > 0 else "ett underskott"
    return f"helårsprognosen är {word} på {magnitude(forecast_deviation)} mot budget"


def ytd_span(figures: Mapping[str, Any]) -> str:
    """januari–oktober 2025 (the year to date of the report)."""
    return month_span(f"{figures['year']}-01", f"{figures['year']}-{figures['month']:02d}")


def row_sentence(plan: Plan, row_id: str, row: Mapping[str, Any], figures: Mapping[str, Any]) -> str:
    """An economy row: "Personalkostnaderna är 2,3 mnkr högre än budget för januari–oktober 2025;
    helårsprognosen är ett underskott på 1,1 mnkr mot budget." In December: the year's outcome."""
    spec = plan.report_row(row_id)
    verb = "blev" if figures["year_closed"] else "är"
    ytd = _higher_or_lower(row["deviation_ytd"], spec.type)
    if figures["year_closed"]:
        return f"{spec.sentence_name} {verb} {ytd} för helåret {figures['year']}."
    return f"{spec.sentence_name} {verb} {ytd} för {ytd_span(figures)}; {_forecast_vs_budget(row['forecast_deviation'])}."


def result_sentence(economy: Mapping[str, Any], figures: Mapping[str, Any]) -> str:
    """The result: "Resultatet för januari–oktober 2025 är ett överskott på 0,9 mnkr, 0,9 mnkr bättre än
    budget för perioden; helårsprognosen är ett överskott på 3,9 mnkr, 3,9 mnkr bättre än budget."
    """
    if figures["year_closed"]:
        return (
            f"Årets resultat blev {result_phrase(economy['periodresultat'])}, "
            f"{versus_budget(economy['ackumulerad_budgetavvikelse'])}."
        )
    return (
        f"{RESULT_SUBJECT} för {ytd_span(figures)} är {result_phrase(economy['periodresultat'])}, "
        f"{versus_budget(economy['ackumulerad_budgetavvikelse'])} för perioden; helårsprognosen är "
        f"{result_phrase(economy['forecast_result'])}, {versus_budget(economy['prognos_budgetavvikelse'])}."
    )


def budgeted_result_sentence(economy: Mapping[str, Any], figures: Mapping[str, Any]) -> str:
    """What the budgeted result to date is: the periodised budget, summed over the months so far."""
    year = economy["budgeted_result_year"]
    if figures["year_closed"]:
        return f"Budgeterat resultat för {figures['year']} är {result_phrase(year)}."
    balanced = year is not None and _rounds_to_zero(year)
    year_text = "budgeten i balans" if balanced else f"budgeterat resultat {result_phrase(year)}"
    return (
        f"Budgeterat resultat för {ytd_span(figures)} är {result_phrase(economy['budgeted_result_ytd'])}: "
        f"budgeten är fördelad på årets månader (periodiserad), och summan av månadsbudgetarna för "
        f"intäkter, kostnader och regionbidrag hittills i år ger detta resultat. För helåret är {year_text}."
    )


def investment_sentence(investment: Mapping[str, Any], figures: Mapping[str, Any]) -> str:
    """An investment's spending against budget and its forecast's deviation, in words. The investment's
    name is not repeated: the sentence stands under it (a heading, a table row, a list item)."""
    budget, actual = investment["budget_year"], investment["actual_ytd"]
    deviation = investment["forecast_deviation"]
    direction = (
        "i nivå med budget"
        if _rounds_to_zero(deviation)
        else f"{magnitude(deviation)} {'lägre' if deviation > 0 else 'högre'} än budget"
    )
    if figures["year_closed"]:
        return f"Utfallet för året är {magnitude(actual)} av budgeten {magnitude(budget)}, {direction}."
    return (
        f"Av årets budget på {magnitude(budget)} har {magnitude(actual)} förbrukats; "
        f"prognosen för helåret är {magnitude(investment['forecast_year'])}, {direction}."
    )


def indicator_sentence(plan: Plan, key: str, indicator: Mapping[str, Any]) -> str:
    """An indicator against its target, with the precision that carries the verdict."""
    spec = plan.indicators[key]  # type: ignore[index]
    value = verdict_percent(indicator["value"], indicator["target"], spec.direction)
    window = indicator.get("window") or {}
    span = f" ({month_span(window.get('from'), window.get('to'))})" if window else ""
    bound = "högst" if spec.direction == "lower_is_better" else "minst"
    met = indicator["met"]
    if met is None:
        return f"{spec.sentence_name} kan inte redovisas för de senaste tolv månaderna{span}."
    relation = (
        "inom målvärdet"
        if met
        else ("över målvärdet" if spec.direction == "lower_is_better" else "under målvärdet")
    )
    verdict = "målvärdet uppnås" if met else "målvärdet uppnås inte"
    return (
        f"{spec.sentence_name} är {value} för de senaste tolv månaderna{span}, {relation} "
        f"{bound} {target_percent(indicator['target'])}; {verdict}."
    )


def deviation_sentence(plan: Plan, deviation: Mapping[str, Any], figures: Mapping[str, Any]) -> str:
    """The drafted sentence of one entry of the deviations list (transforms.deviations)."""
    kind = deviation["type"]
    if kind == "result":
        return result_sentence(figures["economy"], figures)
    if kind == "economy_row":
        row_id = deviation["ref"]
        return row_sentence(plan, row_id, figures["economy"]["rows"][row_id], figures)
    if kind == "investment":
        investment = next(i for i in figures["investments"] if i["name"] == deviation["ref"])
        return investment_sentence(investment, figures)
    if kind == "indicator":
        return indicator_sentence(plan, deviation["ref"], figures["indicators"][deviation["ref"]])
    raise ValueError(f"unknown deviation type {kind!r}")


def forecast_path_sentence(economy: Mapping[str, Any]) -> str | None:
    """How the result forecast moved since the previous report; None in the year's first report."""
    before, now, change = (
        economy.get("forecast_result_previous"),
        economy["forecast_result"],
        economy.get("forecast_result_change"),
    )
    if before is None or change is None:
        return None
    month = month_name(economy["previous_period"])
    if _rounds_to_zero(change):
        return f"Resultatprognosen är oförändrad sedan {month}: {result_phrase(now)}."
    word = "förbättrats" if change > 0 else "försämrats"
    return (
        f"Resultatprognosen har {word} med {magnitude(change)} sedan {month}, från "
        f"{result_phrase(before)} till {result_phrase(now)}."
    )


def outcome_vs_forecast_sentence(economy: Mapping[str, Any]) -> str | None:
    """The annual report: the year's result against the forecast of the previous report (October)."""
    before, change = economy.get("forecast_result_previous"), economy.get("forecast_result_change")
    if before is None or change is None:
        return None
    month = month_name(economy["previous_period"])
    if _rounds_to_zero(change):
        return f"Årets resultat blev som prognosen i {month}: {result_phrase(economy['forecast_result'])}."
    word = "bättre" if change > 0 else "sämre"
    return (
        f"Årets resultat, {result_phrase(economy['forecast_result'])}, blev {magnitude(change)} {word} än "
        f"prognosen i {month} ({result_phrase(before)})."
    )


# --- data quality, for the board -------------------------------------------------------------------------
def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def data_quality_sentences(checks: Sequence[Mapping[str, Any]], plan: Plan) -> list[str]:
    """One short Swedish sentence per finding, names instead of ids; rule ids and the bilingual operator
    text stay in `uppfoljning validate`, the run log and the workbook."""
    return [data_quality_sentence(check, plan) for check in checks]


def data_quality_sentence(check: Mapping[str, Any], plan: Plan) -> str:
    rule, count, examples = check["rule"], int(check["count"]), list(check.get("examples") or [])
    goal_names = {g.id: g.name for g in plan.board_goals()}
    activity_names = {a.id: a.name for a in plan.work_environment_activities}
    if rule == "inputs.goal_assessment_missing":
        names = [goal_names.get(key, key) for key in examples]
        return f"Bedömning saknas för {count} {_plural(count, 'mål', 'mål')}: {names_list(names)}."
    if rule == "inputs.activity_assessment_missing":
        names = [activity_names.get(key, key) for key in examples]
        return f"Bedömning saknas för {_plural(count, 'arbetsmiljöaktiviteten', 'arbetsmiljöaktiviteterna')} {names_list(names)}."
    if rule == "inputs.basic_mission_assessment_missing":
        return f"Bedömning saknas för grunduppdraget ”{plan.basic_mission.text}”."
    if rule == "inputs.investment_comment_missing":
        return f"Kommentar saknas för {_plural(count, 'investeringen', 'investeringarna')} {names_list(examples)}."
    if rule == "inputs.deviation_comment_missing":
        names = [deviation_name(plan, key) for key in examples]
        return f"Kommentar saknas för {_plural(count, 'avvikelsen', 'avvikelserna')} {names_list(names)}."
    if rule == "inputs.unknown_id":
        return (
            f"Indata innehåller {count} {_plural(count, 'post', 'poster')} som inte finns i verksamhetsplanen "
            "och därför inte visas."
        )
    if rule == "ledger.period_matches_booking_date":
        return (
            f"{count} {_plural(count, 'verifikationsrad', 'verifikationsrader')} har ett bokföringsdatum "
            "utanför sin redovisningsperiod; perioden bör kontrolleras."
        )
    if rule == "ledger.investment_budget_matches_plan":
        names = [i.name for i in plan.investments if any(str(e).startswith(i.name) for e in examples)]
        which = f" för {names_list(names)}" if names else ""
        return f"Årets investeringsbudget i ekonomisystemet skiljer sig från verksamhetsplanen{which}."
    if rule == "hr.scheduled_hours_bounds":
        return (
            f"{count} {_plural(count, 'personmånad', 'personmånader')} har mer schemalagd tid än en heltid; "
            "schemaunderlaget bör kontrolleras."
        )
    return (
        f"En kontroll av underlaget gav {count} {_plural(count, 'anmärkning', 'anmärkningar')}; "
        "detaljerna finns i körningsloggen."
    )


def deviation_name(plan: Plan, deviation_id: str) -> str:
    """The reader's name of a deviation id (transforms.deviations): a row, an investment or an indicator."""
    kind, _, ref = deviation_id.partition(".")
    if deviation_id == "resultat":
        return "Resultat"
    if kind == "ekonomi" and any(r.id == ref for r in plan.report_rows):
        return plan.report_row(ref).name
    if kind == "indikator" and ref in plan.indicators:
        return plan.indicators[ref].name  # type: ignore[index]
    if kind == "investering":
        return ref
    return deviation_id or MISSING


# --- the key figures (the plan's Tabell 2 and 3), shared by the report's summary and the email ----------
@dataclass(frozen=True)
class KeyFigure:
    """One line of the summary: label, the figure in words, what it is compared with, and a verdict."""

    label: str
    value: str
    comparison: str = ""
    verdict: str = ""
    met: bool | None = None
    suppressed: bool = False
    """The figure is withheld because the office is too small (the report marks it "–†")."""


def key_figures(figures: Mapping[str, Any], plan: Plan) -> list[KeyFigure]:
    """The economy indicators of the plan file (Tabell 3), in its order and words, then the employee
    indicators (Tabell 2) with the precision that carries their verdict."""
    eco, closed = figures["economy"], bool(figures["year_closed"])
    totals = figures.get("investment_totals") or {}
    lines: list[KeyFigure] = []
    for indicator in plan.economy_indicators:
        if indicator.id == "periodresultat":
            lines.append(
                KeyFigure(
                    f"{indicator.name} ({ytd_span(figures)})",
                    _capital(result_phrase(eco["periodresultat"])),
                    f"Budgeterat resultat för perioden: {result_phrase(eco['budgeted_result_ytd'])}",
                )
            )
        elif indicator.id == "ackumulerad_budgetavvikelse":
            lines.append(
                KeyFigure(
                    indicator.name,
                    _capital(versus_budget(eco["ackumulerad_budgetavvikelse"])),
                    "Periodens resultat jämfört med periodens budgeterade resultat",
                )
            )
        elif indicator.id == "prognos_budgetavvikelse":
            lines.append(
                KeyFigure(
                    "Budgetavvikelse helår (utfall)" if closed else indicator.name,
                    _capital(versus_budget(eco["prognos_budgetavvikelse"])),
                    f"{'Årets resultat' if closed else 'Prognos för helårsresultatet'}: "
                    f"{result_phrase(eco['forecast_result'])}; budgeterat helårsresultat: "
                    f"{result_phrase(eco['budgeted_result_year'])}",
                )
            )
        elif indicator.id == "prognos_investeringsbudgetavvikelse":
            deviation = totals.get("forecast_deviation")
            if deviation is None:
                value = MISSING
            elif _rounds_to_zero(deviation):
                value = "I nivå med budget"
            else:
                value = f"{magnitude(deviation)} {'lägre' if deviation > 0 else 'högre'} än budget"
            lines.append(
                KeyFigure(
                    "Investeringsbudgetavvikelse helår (utfall)" if closed else indicator.name,
                    _capital(value),
                    f"Utfall {magnitude(totals.get('actual_ytd'))} av budgeten {magnitude(totals.get('budget_year'))}"
                    if closed
                    else f"Prognos {magnitude(totals.get('forecast_year'))} av budgeten "
                    f"{magnitude(totals.get('budget_year'))}; förbrukat hittills {magnitude(totals.get('actual_ytd'))}",
                )
            )
    for key in ("personalomsattning", "sjukfranvaro"):
        indicator_figures = figures["indicators"][key]
        spec = plan.indicators[key]  # type: ignore[index]
        met = indicator_figures["met"]
        bound = "högst" if spec.direction == "lower_is_better" else "minst"
        lines.append(
            KeyFigure(
                f"{spec.name} (rullande 12 månader)",
                verdict_percent(indicator_figures["value"], indicator_figures["target"], spec.direction),
                f"Målvärde {bound} {target_percent(indicator_figures['target'])}",
                "" if met is None else ("Målvärdet uppnås" if met else "Målvärdet uppnås inte"),
                met,
                bool(indicator_figures.get("suppressed")),
            )
        )
    return lines


def goal_summary_sentence(summary: Mapping[str, int] | None) -> str | None:
    """ "9 av 12 mål bedöms helt eller delvis uppnås." (whole-plan reports)."""
    if not summary:
        return None
    return (
        f"{summary['uppfyllt_helt_eller_delvis']} av {summary['total']} mål bedöms helt eller delvis uppnås."
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
