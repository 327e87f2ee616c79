"""The report package read back: PDF (pypdf), workbook (openpyxl), email (the standard library), manifest.

One package is built for the hand-made April of tests/package_fixture.py (UR1, version 2); every expected
value is formatted or summed by hand here from that fixture's figures, never by the code under test.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import OrderedDict
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from publish import package as package_module
from publish.charts import Chart
from publish.history import report_points
from publish.mail import Change, as_correction, parse_stored
from publish.package import PACKAGE_FILES, Package, build_package
from tests import package_fixture as fx
from uppfoljning.plan import Plan, load_plan

MINUS = "\u2212"
NBSP = "\u00a0"
PARAMETERS = {"period": "2025-04", "ledger_url": "postgresql+psycopg://reader:***@dwh/ekonomi"}
FINGERPRINT = "0" * 64


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


@pytest.fixture(scope="module")
def package(plan: Plan) -> Package:
    return build_package(
        fx.figures("ur1", version=2),
        plan,
        fx.drilldown(),
        fx.earlier_months(),
        parameters=PARAMETERS,
        fingerprint=FINGERPRINT,
    )


@pytest.fixture(scope="module")
def pdf(package: Package) -> PdfReader:
    return PdfReader(io.BytesIO(package.files["report.pdf"]))


@pytest.fixture(scope="module")
def pdf_text(pdf: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in pdf.pages)


@pytest.fixture(scope="module")
def workbook(package: Package) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(package.files["report.xlsx"]))


@pytest.fixture(scope="module")
def email(package: Package) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(package.files["email.eml"])
    assert isinstance(message, EmailMessage)
    return message


def test_package_has_the_contract_files(package: Package) -> None:
    assert (
        set(package.files)
        == set(PACKAGE_FILES)
        == {
            "figures.json",
            "report.html",
            "report.pdf",
            "report.xlsx",
            "email.eml",
            "manifest.json",
        }
    )
    assert json.loads(package.files["figures.json"])["version"] == 2


# --- PDF --------------------------------------------------------------------------------------------------
def test_pdf_is_a4_tagged_swedish_and_titled(pdf: PdfReader) -> None:
    catalog = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]) in {"sv", "sv-SE"}
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True  # a pypdf BooleanObject
    assert pdf.metadata is not None and pdf.metadata.title == "Uppföljningsrapport 1 – april 2025"
    width, height = (float(v) for v in pdf.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4 in mm
    # PDF/UA-1 is declared in the XMP metadata (pdfuaid:part 1).
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()


def _structure(node: Any, found: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    node = node.get_object()
    if "/S" in node:
        found.append((str(node["/S"]), str(node["/Alt"]) if "/Alt" in node else None))
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict):
            _structure(kid, found)
    return found


def test_pdf_structure_has_headings_tables_and_figures_with_alt_text(pdf: PdfReader) -> None:
    elements = _structure(pdf.trailer["/Root"]["/StructTreeRoot"], [])
    kinds = {kind for kind, _ in elements}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= kinds
    alts = [alt for kind, alt in elements if kind == "/Figure"]
    assert len(alts) == 3 and all(alts)
    # Cumulative deviation of net cost, Jan..Apr (fixture): 2 500 000 − 1 863 580.18 = 636 419.82;
    # + 2 500 000 − 2 063 580.51 = 1 072 839.31; + 2 500 000 − 1 763 580.18 = 1 809 259.13;
    # + 2 500 000 − 1 963 580.18 = 2 345 678.95.
    assert "jan 0,6; feb 1,1; mars 1,8; apr 2,3" in alts[0]
    assert "Utfallet för januari–april 2025 är 7,7 mnkr mot periodiserad budget 10,0 mnkr" in alts[0]
    assert "Prognosen för helåret är 26,7 mnkr mot budget 30,0 mnkr, 3,3 mnkr lägre än budget" in alts[0]


def test_pdf_text_has_cover_contents_headings_and_headline_figures(pdf_text: str, pdf: PdfReader) -> None:
    text = pdf_text.replace(NBSP, " ")
    for heading in (
        "Uppföljningsrapport 1",
        "April 2025 (utfall januari–april 2025)",
        "Regionstyrelsen – regionkontoret, Region Halland",
        "Innehåll",
        "Sammanfattning",
        "Avvikelser",
        "Ekonomi",
        "Prognosens utveckling",
        "Investeringar",
        "Medarbetare",
        "Måluppfyllelse",
        "Arbetsmiljö",
        "Datakvalitet",
    ):
        assert heading in text, heading
    words = " ".join(text.split())  # the PDF's lines break inside sentences
    assert "Ett överskott på 2,3 mnkr" in words  # periodresultat 2 345 678.95
    assert "3,3 mnkr bättre än budget" in words  # prognos budgetavvikelse 3 345 678.95
    assert "10,8 %" in text and "5,3 %" in text  # turnover 10.8, sick leave 5.3
    # Intäkter, prognos helår −38 145 679.88 in the ledger: a positive amount for the board.
    assert "38,1" in text and f"{MINUS}38,1" not in text and "-38,1" not in text
    pages = len(pdf.pages)
    assert f"Sida 2 av {pages}" in text and f"Sida {pages} av {pages}" in text
    assert "Sida 1 av" not in text  # the cover has no page number


def test_pdf_contents_lists_sections_with_their_page_numbers(pdf: PdfReader) -> None:
    contents = pdf.pages[1].extract_text()
    entries = dict(re.findall(r"^(\w[\w ]*?) ?(?:\. )+\.? ?(\d+)$", contents, re.M))
    assert list(entries) == [
        "Sammanfattning",
        "Avvikelser",
        "Ekonomi",
        "Prognosens utveckling",
        "Investeringar",
        "Medarbetare",
        "Måluppfyllelse",
        "Arbetsmiljö",
        "Datakvalitet",
    ]
    for title, page in entries.items():
        assert title in pdf.pages[int(page) - 1].extract_text(), f"{title} is not on page {page}"


# --- workbook ---------------------------------------------------------------------------------------------
def test_workbook_sheets_are_swedish(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == [
        "Om rapporten",
        "Sammanfattning",
        "Avvikelser",
        "Driftredovisning",
        "Prognosjusteringar",
        "Prognosens utveckling",
        "Investeringar",
        "Nyckeltal",
        "Per ansvar",
        "Per konto",
        "Måluppfyllelse",
        "Datakvalitet",
    ]


def test_workbook_economy_equals_the_figures_to_the_ore(workbook: openpyxl.Workbook) -> None:
    sheet = workbook["Driftredovisning"]
    header = [c.value for c in sheet[3]]
    assert header == [
        "Rad",
        "Budget helår",
        "Budget ack.",
        "Utfall ack.",
        "Avvikelse ack.",
        "Prognos helår",
        "Prognosavvikelse",
    ]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=4) if r[0].value}
    expected = {
        "Intäkter": [
            -36_000_000.00,
            -12_000_000.00,
            -14_145_679.88,
            2_145_679.88,
            -38_145_679.88,
            2_145_679.88,
        ],
        "Personalkostnader": [
            54_000_000.00,
            18_000_000.00,
            17_600_000.60,
            399_999.40,
            52_600_000.60,
            1_399_999.40,
        ],
        "Nettokostnad": [
            30_000_000.00,
            10_000_000.00,
            7_654_321.05,
            2_345_678.95,
            26_654_321.05,
            3_345_678.95,
        ],
        # Resultat = −(netto + regionbidrag); deviations add: 2 345 678.95 + 0
        "Resultat": [0.00, 0.00, 2_345_678.95, 2_345_678.95, 3_345_678.95, 3_345_678.95],
    }
    for label, values in expected.items():
        cells = rows[label][1:]
        assert [round(c.value * 100) for c in cells] == [round(v * 100) for v in values], label
        assert all(isinstance(c.value, float | int) for c in cells)  # numbers, not text
        assert cells[0].number_format == "#,##0.00"
    assert sheet.freeze_panes == "B4"
    assert sheet.auto_filter.ref == "A3:G9"  # the header and six rows


def test_drilldown_sheets_add_up_to_the_report_rows(workbook: openpyxl.Workbook) -> None:
    for name, keys in (("Per ansvar", 5), ("Per konto", 2)):
        sheet = workbook[name]
        header = [c.value for c in sheet[3]]
        assert header[keys : keys + 4] == ["Utfall jan.", "Utfall feb.", "Utfall mars", "Utfall apr."]
        assert header[keys + 4 :] == ["Utfall ack.", "Budget ack.", "Avvikelse ack.", "Budget helår"]
        lines = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
        total = lines.pop()  # the table's total row
        assert total[0] == "Summa (filtrerat urval)"
        sums: dict[str, list[int]] = {}
        for line in lines:
            ore = [round(v * 100) for v in line[keys:]]
            sums[line[0]] = [a + b for a, b in zip(sums.get(line[0], [0] * len(ore)), ore, strict=True)]
        # Personalkostnader: Jan..Apr 1 950 000.10 + 2 450 000.05 a month; ytd 17 600 000.60;
        # budget ytd 4 × 4 500 000, deviation 18 000 000 − 17 600 000.60, year 12 × 4 500 000.
        assert sums["Personalkostnader"] == [440_000_015] * 4 + [
            1_760_000_060,
            1_800_000_000,
            39_999_940,
            5_400_000_000,
        ]
        # Övriga driftskostnader, month by month as booked: 1 000 000, 1 200 000.33, 900 000, 1 100 000.
        assert sums["Övriga driftskostnader"][:5] == [
            100_000_000,
            120_000_033,
            90_000_000,
            110_000_000,
            420_000_033,
        ]
        # The report rows' actual, budget and deviation, to the öre (fixture: ECONOMY_ROWS).
        for label, row in (
            ("Intäkter", "intakter"),
            ("Personalkostnader", "personalkostnader"),
            ("Övriga driftskostnader", "ovriga_driftskostnader"),
            ("Regionbidrag", "regionbidrag"),
        ):
            figures_row = fx.ECONOMY_ROWS[row]
            assert sums[label][4:] == [
                round(figures_row[key] * 100)
                for key in ("actual_ytd", "budget_ytd", "deviation_ytd", "budget_year")
            ], (name, label)
        # The header and the key columns stay in view.
        assert sheet.freeze_panes == {"Per ansvar": "F4", "Per konto": "C4"}[name]
        assert str(total[keys + 4]).startswith("=SUBTOTAL(109,")  # follows the filter


def test_drilldown_by_cost_centre_names_the_units(workbook: openpyxl.Workbook) -> None:
    lines = [[c.value for c in row][:5] for row in workbook["Per ansvar"].iter_rows(min_row=4)][:-1]
    assert lines == [
        ["Intäkter", "110", "Redovisning", "100", "Ekonomi"],
        ["Personalkostnader", "110", "Redovisning", "100", "Ekonomi"],
        ["Personalkostnader", "200", "HR", None, None],
        ["Övriga driftskostnader", "200", "HR", None, None],
        ["Regionbidrag", "100", "Ekonomi", None, None],
    ]


def test_workbook_indicators_keep_suppressed_groups_empty(workbook: openpyxl.Workbook) -> None:
    rows = [(row[0].value, row[1].value, row[2]) for row in workbook["Nyckeltal"].iter_rows(min_row=2)]
    measures = {measure: cell for _, measure, cell in rows}
    assert rows[0][0:2] == ("Personalomsättning", "Rullande 12 månader") and rows[0][2].value == 10.8
    assert measures["Män, rullande 12 månader"].value is None  # suppressed: no number, not 0
    assert measures["Kvinnor, rullande 12 månader"].value == 5.6
    assert measures["Kvinnor, rullande 12 månader"].number_format == '0.00" %"'


# --- email ------------------------------------------------------------------------------------------------
def _parts(message: EmailMessage) -> Iterator[EmailMessage]:
    for part in message.walk():
        assert isinstance(part, EmailMessage)
        yield part


def test_email_subject_and_structure(email: EmailMessage) -> None:
    assert email["Subject"] == "Uppföljningsrapport 1 – april 2025"
    assert email["Content-Language"] == "sv"
    assert email["To"] is None and email["Message-ID"] is None  # the delivery addresses each copy
    assert email.get_content_type() == "multipart/mixed"
    body = email.get_body(preferencelist=("related", "html", "plain"))
    assert body is not None and body.get_content_type() == "multipart/related"
    plain = email.get_body(preferencelist=("plain",))
    assert plain is not None
    text = plain.get_content()
    assert f"Periodresultat (januari–april 2025): Ett överskott på 2,3{NBSP}mnkr" in text
    assert (
        f"Sjukfrånvaro (rullande 12 månader): 5,3{NBSP}% (Målvärde högst 5,2{NBSP}%). Målvärdet uppnås inte"
        in text
    )


def test_email_every_cid_has_its_image_and_nothing_external(email: EmailMessage) -> None:
    html_part = email.get_body(preferencelist=("html",))
    assert html_part is not None
    html = html_part.get_content()
    cids = re.findall(r'src="cid:([^"]+)"', html)
    images = {
        str(p["Content-ID"]).strip("<>"): p for p in _parts(email) if p.get_content_type() == "image/png"
    }
    assert len(cids) == 3 and set(cids) == set(images)
    for part in images.values():
        assert part.get_content().startswith(b"\x89PNG")
    plain = email.get_body(preferencelist=("plain",))
    assert plain is not None
    for text in (html, plain.get_content()):
        assert "data:" not in text
        assert "http" not in text.lower()
    assert re.findall(r'<img [^>]*alt="([^"]+)"', html)[0].startswith("Linjediagram")


def test_email_attachments_are_the_pdf_and_workbook_that_open(email: EmailMessage, package: Package) -> None:
    attachments = {p.get_filename(): p for p in _parts(email) if p.is_attachment()}
    assert set(attachments) == {"Uppföljningsrapport 1 2025-04.pdf", "Uppföljningsrapport 1 2025-04.xlsx"}
    pdf = attachments["Uppföljningsrapport 1 2025-04.pdf"]
    xlsx = attachments["Uppföljningsrapport 1 2025-04.xlsx"]
    assert pdf.get_content_type() == "application/pdf"
    assert xlsx.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert pdf.get_content() == package.files["report.pdf"]
    assert PdfReader(io.BytesIO(pdf.get_content())).pages
    assert openpyxl.load_workbook(io.BytesIO(xlsx.get_content()))["Driftredovisning"]["A1"].value


def test_stored_email_can_be_addressed_and_corrected_without_rendering(package: Package) -> None:
    stored = package.files["email.eml"]
    corrected = as_correction(stored, [Change("Periodresultat", "2,3 mnkr", "2,5 mnkr")])
    corrected["To"] = "ekonomi@regionhalland.se"
    corrected["Message-ID"] = "<v3.2025-04@uppfoljning>"
    again = parse_stored(corrected.as_bytes())
    assert again["Subject"] == "Rättelse: Uppföljningsrapport 1 – april 2025"
    assert again["To"] == "ekonomi@regionhalland.se"
    html_part, plain_part = again.get_body(("html",)), again.get_body(("plain",))
    assert html_part is not None and plain_part is not None
    assert "Periodresultat: 2,3 mnkr → 2,5 mnkr" in html_part.get_content()
    assert plain_part.get_content().startswith("Rättelse.")
    original = parse_stored(stored)

    def binaries(message: EmailMessage) -> list[bytes]:
        return [
            p.get_content() for p in _parts(message) if p.get_content_maintype() in ("image", "application")
        ]

    assert binaries(again) == binaries(original)  # the same charts, PDF and workbook


# --- manifest ---------------------------------------------------------------------------------------------
def test_manifest_hashes_every_other_file(package: Package) -> None:
    manifest = json.loads(package.files["manifest.json"])
    assert (manifest["period"], manifest["report_kind"], manifest["version"]) == ("2025-04", "ur1", 2)
    assert manifest["parameters"] == PARAMETERS
    assert manifest["inputs_fingerprint"] == {"algorithm": "sha256", "value": FINGERPRINT}
    assert set(manifest["files"]) == set(PACKAGE_FILES) - {"manifest.json"}
    for name, entry in manifest["files"].items():
        content = package.files[name]
        assert entry == {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}


def test_report_html_is_self_contained(package: Package) -> None:
    html = package.files["report.html"].decode("utf-8")
    assert html.count('src="data:image/png;base64,') == 3
    assert "http://" not in html and "https://" not in html
    assert '<html lang="sv">' in html
    assert "<title>Uppföljningsrapport 1 – april 2025</title>" in html


# --- charts reused between versions -----------------------------------------------------------------------
def test_a_version_with_the_same_chart_data_reuses_the_charts_and_a_changed_figure_redraws(
    plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's version 2 of a board report differs from version 1 only in words (the comment sheet): its
    charts are version 1's images, not drawn again. A changed figure draws its chart anew."""
    drawn: list[str] = []
    for name in ("economy_chart", "forecast_path_chart", "indicators_chart"):
        draw = getattr(package_module, name)

        def counted(*args: Any, _draw: Any = draw, _name: str = name) -> Any:
            drawn.append(_name)
            return _draw(*args)

        monkeypatch.setattr(package_module, name, counted)
    monkeypatch.setattr(package_module, "_recent_charts", OrderedDict())

    def charts(figures: dict[str, Any]) -> list[Chart]:
        return package_module.render_charts(
            figures, plan, fx.drilldown(), report_points([*fx.earlier_months(), figures])
        )

    first = charts(fx.figures("ur1", version=1))
    assert drawn == ["economy_chart", "forecast_path_chart", "indicators_chart"]
    commented = fx.figures("ur1", version=2)
    commented["economy"]["forecast_adjustments"][0]["comment"] = "Två tjänster tillsätts i september."
    second = charts(commented)
    assert len(drawn) == 3  # nothing drawn for version 2
    assert [c.png for c in second] == [c.png for c in first]

    # The net cost's year-end forecast 26 654 321.05 → 27 000 000.00: the economy chart shows it, the
    # history charts do not (they read the forecast deviation and the indicators).
    changed = fx.figures("ur1", version=3)
    changed["economy"]["rows"] = {**changed["economy"]["rows"]}
    changed["economy"]["rows"]["netto"] = {
        **changed["economy"]["rows"]["netto"],
        "forecast_year": 27_000_000.0,
    }
    third = charts(changed)
    assert drawn[3:] == ["economy_chart"]
    assert third[0].png != first[0].png
    assert [c.png for c in third[1:]] == [c.png for c in first[1:]]
