"""The report's Excel workbook for finance staff (report.xlsx), written with XlsxWriter.

The report's tables with real numbers: amounts in kronor with öre (SEK, ledger sign, exactly the figures of
figures.json), percentages as numbers in percent. Number formats only decide how a cell looks (Excel shows
them with the reader's separators, so a Swedish Excel shows "1 234 567,89"). Every sheet has a frozen
header and a filter; the drill-down sheets are Excel tables with a total row that follows the filter, so
filtering on one report row shows that row's total.

Sheets (Swedish names): Om rapporten, Sammanfattning, Driftredovisning, Prognosjusteringar,
Investeringar, Nyckeltal, Per ansvar, Per konto, Måluppfyllelse (UR1, UR2 and the annual report) and
Datakvalitet.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from publish import formatting, narrative
from publish.render import (
    ECONOMY_COLUMNS,
    INVESTMENT_CATEGORIES,
    SEVERITY_LABELS,
    SEX_LABELS,
    age_group_label,
    document_title,
    economy_table,
    row_labels,
)
from transforms.drilldown import VALUE_COLUMNS, Drilldown, month_column
from uppfoljning.inputs import STATUS_LABELS
from uppfoljning.plan import Plan

SEK_FORMAT = "#,##0.00"
PERCENT_FORMAT = '0.00" %"'  # the value is already in percent (5.2 means 5,2 %)
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0"
DRILLDOWN_HEADINGS = {
    "actual_ytd": "Utfall ack.",
    "budget_ytd": "Budget ack.",
    "deviation_ytd": "Avvikelse ack.",
    "budget_year": "Budget helår",
}


@dataclass(frozen=True)
class Column:
    heading: str
    width: float
    kind: str = "text"  # text | sek | percent | count | decimal


@dataclass(frozen=True)
class Typed:
    """A value whose number format differs from its column's (the mixed Värde column of a summary)."""

    value: Any
    kind: str


class _Book:
    """The workbook with its few shared formats."""

    def __init__(self, stream: io.BytesIO, title: str, organisation: str) -> None:
        self.workbook = xlsxwriter.Workbook(stream, {"in_memory": True, "strings_to_numbers": False})
        self.workbook.set_properties(
            {"title": title, "author": organisation, "company": organisation, "comments": "Uppföljning"}
        )
        add = self.workbook.add_format
        self.heading = add(
            {"bold": True, "bottom": 1, "text_wrap": True, "valign": "top", "bg_color": "#E8ECF3"}
        )
        self.title = add({"bold": True, "font_size": 14})
        self.bold = add({"bold": True})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.formats: dict[str, Format] = {
            "text": add({"valign": "top"}),
            "sek": add({"num_format": SEK_FORMAT, "valign": "top"}),
            "percent": add({"num_format": PERCENT_FORMAT, "valign": "top"}),
            "count": add({"num_format": COUNT_FORMAT, "valign": "top"}),
            "decimal": add({"num_format": DECIMAL_FORMAT, "valign": "top"}),
        }

    def table_sheet(
        self, name: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]], intro: str | None = None
    ) -> Worksheet:
        """A sheet with an optional line of text, a frozen header row and a filter over the rows."""
        sheet = self.workbook.add_worksheet(name)
        header_row = 0
        if intro:
            sheet.write(0, 0, intro)
            header_row = 2
        for col, column in enumerate(columns):
            sheet.set_column(col, col, column.width)
            sheet.write(header_row, col, column.heading, self.heading)
        for r, values in enumerate(rows, start=header_row + 1):
            for col, (column, value) in enumerate(zip(columns, values, strict=True)):
                self.cell(sheet, r, col, value, column.kind)
        sheet.freeze_panes(header_row + 1, 1)
        sheet.autofilter(header_row, 0, header_row + max(len(rows), 1), len(columns) - 1)
        return sheet

    def cell(self, sheet: Worksheet, row: int, col: int, value: Any, kind: str) -> None:
        if isinstance(value, Typed):
            value, kind = value.value, value.kind
        if value is None:
            sheet.write_blank(row, col, None, self.formats[kind])
        elif isinstance(value, bool):
            sheet.write_string(row, col, "Ja" if value else "Nej", self.formats["text"])
        elif isinstance(value, int | float) and kind != "text":
            sheet.write_number(row, col, value, self.formats[kind])
        else:
            sheet.write_string(
                row, col, str(value), self.wrap if len(str(value)) > 40 else self.formats["text"]
            )


def build_workbook(figures: Mapping[str, Any], plan: Plan, drilldown: Drilldown) -> bytes:
    """report.xlsx of one published version: the report's tables and the drill-down behind the economy."""
    stream = io.BytesIO()
    book = _Book(stream, document_title(figures), figures["organisation"])
    _about(book, figures, plan)
    _summary(book, figures)
    if plan.report_kinds[figures["report_kind"]].board_report:
        _deviations(book, figures, plan)
    _economy(book, figures, plan)
    _adjustments(book, figures, plan)
    _forecast_path(book, figures, plan)
    _investments(book, figures)
    _indicators(book, figures, plan)
    labels = row_labels(plan)
    _drilldown_sheet(
        book,
        "Per ansvar",
        drilldown,
        drilldown.by_cost_center,
        [
            ("cost_center", Column("Ansvar", 10)),
            ("name", Column("Benämning", 28)),
            ("parent", Column("Överordnat ansvar", 11)),
            ("parent_name", Column("Överordnad benämning", 24)),
        ],
        labels,
    )
    _drilldown_sheet(
        book, "Per konto", drilldown, drilldown.by_account, [("account", Column("Konto", 9))], labels
    )
    if plan.report_kinds[figures["report_kind"]].whole_plan:
        _goals(book, figures)
    _data_quality(book, figures)
    book.workbook.close()
    return stream.getvalue()


# --- sheets -----------------------------------------------------------------------------------------------
def _about(book: _Book, figures: Mapping[str, Any], plan: Plan) -> None:
    sheet = book.workbook.add_worksheet("Om rapporten")
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 90)
    sheet.write(0, 0, document_title(figures), book.title)
    facts = [
        ("Organisation", figures["organisation"]),
        ("Rapport", figures["title"]),
        ("Period", formatting.month_name(figures["period"])),
        ("Utfall till och med", formatting.month_span(f"{figures['year']}-01", figures["period"])),
        ("Version", str(figures["version"])),
        ("Framställd", formatting.date_sv(figures["generated_at"])),
        (
            "Belopp",
            "Kronor med två decimaler (öre), med bokföringens tecken: intäkter och regionbidrag negativa, kostnader positiva.",
        ),
        ("Avvikelse", "Budget − utfall (eller budget − prognos). Positiv avvikelse = bättre än budget."),
        ("Resultat", "−(nettokostnad + regionbidrag); positivt resultat är överskott."),
        (
            "Procent",
            "Nyckeltal i procent (5,2 betyder 5,2 %). Tomt värde = redovisas inte (grupp med högst "
            f"{plan.definitions.suppression_max_group_size} personer) eller kan inte beräknas.",
        ),
        (
            "Per ansvar, Per konto",
            "Varje rad i driftredovisningen fördelad på ansvar respektive konto, månad för "
            "månad. Filtrera på kolumnen Rad: summaraden visar då radens belopp i driftredovisningen.",
        ),
    ]
    for r, (label, text) in enumerate(facts, start=2):
        sheet.write(r, 0, label, book.bold)
        sheet.write(r, 1, text, book.wrap)


def _summary(book: _Book, figures: Mapping[str, Any]) -> None:
    eco = figures["economy"]
    indicators = figures["indicators"]
    rows = [
        ("Periodresultat", eco["periodresultat"], "sek"),
        ("Budgeterat resultat ack.", eco.get("budgeted_result_ytd"), "sek"),
        ("Ackumulerad budgetavvikelse", eco["ackumulerad_budgetavvikelse"], "sek"),
        ("Prognos helårsresultat", eco.get("forecast_result"), "sek"),
        ("Budgeterat helårsresultat", eco.get("budgeted_result_year"), "sek"),
        ("Prognos budgetavvikelse helår", eco["prognos_budgetavvikelse"], "sek"),
        ("Personalomsättning, rullande 12 månader", indicators["personalomsattning"]["value"], "percent"),
        ("Sjukfrånvaro, rullande 12 månader", indicators["sjukfranvaro"]["value"], "percent"),
    ]
    book.table_sheet(
        "Sammanfattning",
        [Column("Nyckeltal", 40), Column("Värde", 20), Column("Enhet", 8)],
        [(label, Typed(value, kind), "kr" if kind == "sek" else "%") for label, value, kind in rows],
    )


def _economy(book: _Book, figures: Mapping[str, Any], plan: Plan) -> None:
    columns = [Column("Rad", 26), *(Column(heading, 17, "sek") for _, heading in ECONOMY_COLUMNS)]
    rows = [
        (row.label, *(row.values[key] for key, _ in ECONOMY_COLUMNS))
        for row in economy_table(figures["economy"]["rows"], plan)
    ]
    book.table_sheet("Driftredovisning", columns, rows, intro="Belopp i kronor, bokföringens tecken.")


def _adjustments(book: _Book, figures: Mapping[str, Any], plan: Plan) -> None:
    labels = row_labels(plan)
    book.table_sheet(
        "Prognosjusteringar",
        [Column("Rad", 26), Column("Belopp", 17, "sek"), Column("Kommentar", 80)],
        [
            (labels.get(a["row"], a["row"]), a["amount_sek"], a["comment"])
            for a in figures["economy"].get("forecast_adjustments", [])
        ],
    )


def _investments(book: _Book, figures: Mapping[str, Any]) -> None:
    book.table_sheet(
        "Investeringar",
        [
            Column("Projekt", 10),
            Column("Investering", 32),
            Column("Kategori", 22),
            Column("Budget helår", 17, "sek"),
            Column("Utfall ack.", 17, "sek"),
            Column("varav sedan föregående rapport", 17, "sek"),
            Column("Prognos helår", 17, "sek"),
            Column("Avvikelse", 17, "sek"),
            Column("Prognos föregående rapport", 17, "sek"),
            Column("Kommentar", 60),
            Column("Åtgärder", 40),
            Column("Föreslagen ombudgetering", 17, "sek"),
        ],
        [
            (
                i.get("project"),
                i["name"],
                INVESTMENT_CATEGORIES.get(i.get("category", ""), i.get("category")),
                i["budget_year"],
                i["actual_ytd"],
                i.get("actual_since_previous"),
                i["forecast_year"],
                i["forecast_deviation"],
                i.get("forecast_previous"),
                i["comment"],
                i.get("measures"),
                i.get("carry_over"),
            )
            for i in figures["investments"]
        ],
    )


def _deviations(book: _Book, figures: Mapping[str, Any], plan: Plan) -> None:
    """The deviations list with the figures that selected it: amounts in kronor, the drafted sentence."""
    rows = []
    for d in figures.get("deviations", []):
        numbers = d["figures"]
        indicator = d["type"] == "indicator"
        rows.append(
            (
                d["id"],
                d["name"],
                ", ".join(d["reasons"]),
                narrative.deviation_sentence(plan, d, figures),
                None
                if indicator
                else numbers.get("deviation_ytd", numbers.get("ackumulerad_budgetavvikelse")),
                None
                if indicator
                else numbers.get("forecast_deviation", numbers.get("prognos_budgetavvikelse")),
                None if indicator else numbers.get("threshold"),
                numbers.get("value") if indicator else None,
                numbers.get("target") if indicator else None,
                d["comment"],
                d["measures"],
            )
        )
    book.table_sheet(
        "Avvikelser",
        [
            Column("Id", 30),
            Column("Avvikelse", 26),
            Column("Vald på", 30),
            Column("Underlag", 70),
            Column("Avvikelse hittills", 17, "sek"),
            Column("Avvikelse helår", 17, "sek"),
            Column("Väsentlighetsgräns", 17, "sek"),
            Column("Värde", 10, "percent"),
            Column("Målvärde", 10, "percent"),
            Column("Kommentar", 60),
            Column("Åtgärder", 40),
        ],
        rows,
        intro="Avvikelser över verksamhetsplanens väsentlighetsgränser; belopp i kronor, positivt = bättre än budget.",
    )


def _forecast_path(book: _Book, figures: Mapping[str, Any], plan: Plan) -> None:
    """figures.json's forecast_previous and forecast_change per row, in the ledger's sign."""
    economy = figures["economy"]
    labels = row_labels(plan)
    rows = [
        (
            labels.get(row_id, row_id),
            row.get("forecast_previous"),
            row["forecast_year"],
            row.get("forecast_change"),
            row.get("forecast_adjustment_previous"),
            row.get("forecast_adjustment"),
        )
        for row_id, row in economy["rows"].items()
    ]
    rows.append(
        (
            "Resultat (positivt = överskott)",
            economy.get("forecast_result_previous"),
            economy["forecast_result"],
            economy.get("forecast_result_change"),
            None,
            None,
        )
    )
    previous = economy.get("previous_period")
    book.table_sheet(
        "Prognosens utveckling",
        [
            Column("Rad", 30),
            Column("Prognos föregående rapport", 17, "sek"),
            Column("Prognos", 17, "sek"),
            Column("Förändring", 17, "sek"),
            Column("Justeringar då", 17, "sek"),
            Column("Justeringar nu", 17, "sek"),
        ],
        rows,
        intro=(
            f"Jämfört med rapporten för {formatting.month_name(previous)}. Belopp i kronor, bokföringens tecken: "
            "förändring = prognos − föregående prognos."
            if previous
            else "Årets första rapport: ingen föregående prognos att jämföra med."
        ),
    )


def _indicators(book: _Book, figures: Mapping[str, Any], plan: Plan) -> None:
    turnover = figures["indicators"]["personalomsattning"]
    sick = figures["indicators"]["sjukfranvaro"]
    ages = {g.label: age_group_label(g) for g in plan.definitions.sick_leave.age_groups}
    rows: list[tuple[Any, ...]] = [
        (
            "Personalomsättning",
            "Rullande 12 månader",
            turnover["value"],
            "percent",
            turnover["target"],
            turnover["met"],
        ),
        (
            "Personalomsättning",
            "Avslutade tillsvidareanställningar",
            turnover.get("numerator"),
            "count",
            None,
            None,
        ),
        (
            "Personalomsättning",
            "Genomsnittligt antal tillsvidareanställda",
            turnover.get("denominator"),
            "decimal",
            None,
            None,
        ),
        ("Sjukfrånvaro", "Rullande 12 månader", sick["value"], "percent", sick["target"], sick["met"]),
        ("Sjukfrånvaro", "Hittills i år", sick.get("value_ytd"), "percent", None, None),
        (
            "Sjukfrånvaro",
            "Andel långtidssjukfrånvaro, rullande 12 månader",
            sick.get("long_term_share"),
            "percent",
            None,
            None,
        ),
        (
            "Sjukfrånvaro",
            "Andel långtidssjukfrånvaro, hittills i år",
            sick.get("long_term_share_ytd"),
            "percent",
            None,
            None,
        ),
        *(
            ("Sjukfrånvaro", f"{SEX_LABELS.get(k, k)}, rullande 12 månader", v, "percent", None, None)
            for k, v in (sick.get("by_sex") or {}).items()
        ),
        *(
            ("Sjukfrånvaro", f"{ages.get(k, k)}, rullande 12 månader", v, "percent", None, None)
            for k, v in (sick.get("by_age") or {}).items()
        ),
    ]
    book.table_sheet(
        "Nyckeltal",
        [
            Column("Nyckeltal", 20),
            Column("Mått", 46),
            Column("Värde", 12),
            Column("Målvärde", 12, "percent"),
            Column("Målvärdet uppnås", 16),
        ],
        [
            (name, measure, Typed(value, kind), target, met)
            for name, measure, value, kind, target, met in rows
        ],
    )


def _drilldown_sheet(
    book: _Book,
    name: str,
    drilldown: Drilldown,
    lines: Any,
    keys: Sequence[tuple[str, Column]],
    labels: Mapping[str, str],
) -> None:
    """One drill-down as an Excel table: row, keys, actual per month, totals; a filter-aware total row."""
    value_columns = [
        *((month_column(p), f"Utfall {formatting.month_abbr(p % 100)}") for p in drilldown.months),
        *((key, DRILLDOWN_HEADINGS[key]) for key in VALUE_COLUMNS),
    ]
    sheet = book.workbook.add_worksheet(name)
    sheet.write(
        0, 0, "Belopp i kronor, bokföringens tecken. Filtrera på Rad för att se en rad i driftredovisningen."
    )
    header_row, first_line = 2, 3
    data = []
    for line in lines.itertuples(index=False):
        record = line._asdict()
        data.append(
            [
                labels.get(record["row"], record["row"]),
                *(record[key] for key, _ in keys),
                *(int(record[column]) / 100 for column, _ in value_columns),
            ]
        )
    sek = book.formats["sek"]
    table_columns: list[dict[str, Any]] = [{"header": "Rad", "total_string": "Summa (filtrerat urval)"}]
    table_columns += [{"header": column.heading} for _, column in keys]
    table_columns += [
        {
            "header": heading,
            "format": sek,
            "total_function": "sum",
            # The cached result, shown by readers that do not recalculate (previews, mobile viewers).
            "total_value": int(lines[column].sum()) / 100 if len(lines) else 0,
        }
        for column, heading in value_columns
    ]
    last_row = first_line + len(data)  # the total row
    sheet.add_table(
        header_row,
        0,
        last_row,
        len(table_columns) - 1,
        {
            "name": "PerAnsvar" if name == "Per ansvar" else "PerKonto",
            "columns": table_columns,
            "data": data,
            "total_row": True,
            "style": "Table Style Light 9",
        },
    )
    sheet.set_column(0, 0, 24)
    for col, (_, column) in enumerate(keys, start=1):
        sheet.set_column(col, col, column.width)
    sheet.set_column(len(keys) + 1, len(table_columns) - 1, 15)
    sheet.freeze_panes(first_line, len(keys) + 1)


def _goals(book: _Book, figures: Mapping[str, Any]) -> None:
    book.table_sheet(
        "Måluppfyllelse",
        [
            Column("Målområde", 30),
            Column("Regionfullmäktiges mål", 40),
            Column("Mål-id", 22),
            Column("Regionstyrelsens mål", 50),
            Column("Bedömning", 18),
            Column("Kommentar", 70),
        ],
        [
            (
                g["focus_area"],
                g["council_goal"],
                g["id"],
                g["name"],
                STATUS_LABELS.get(g["status"], "Bedömning saknas") if g["status"] else "Bedömning saknas",
                g["comment"],
            )
            for g in figures["goals"]
        ],
    )


def _data_quality(book: _Book, figures: Mapping[str, Any]) -> None:
    book.table_sheet(
        "Datakvalitet",
        [
            Column("Nivå", 10),
            Column("Kontroll", 36),
            Column("Tabell", 20),
            Column("Antal", 8, "count"),
            Column("Beskrivning", 90),
        ],
        [
            (
                SEVERITY_LABELS.get(c["severity"], c["severity"]),
                c["rule"],
                c.get("table"),
                c.get("count"),
                c.get("message"),
            )
            for c in figures["data_quality"]["checks"]
        ],
    )
