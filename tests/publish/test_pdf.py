"""The PDF renderer turns WeasyPrint's warnings into failures, except the one that leaves the PDF right."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from pypdf import PdfReader

from publish.pdf import PdfRenderWarning, render_pdf

PAGE = '<html lang="sv"><head><title>Prov</title></head><body><p>Hej</p></body></html>'


def test_an_unknown_css_property_fails_the_rendering() -> None:
    page = PAGE.replace("<p>", '<p style="colour: red">')
    with pytest.raises(PdfRenderWarning, match="colour"):
        render_pdf(page)


def test_font_subsetting_by_fonttools_is_not_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without libharfbuzz-subset0 makes WeasyPrint log this while it writes the fonts; the same
    page must still come out as a PDF. The warning is logged here at the point WeasyPrint would log it."""
    import weasyprint

    original = weasyprint.HTML.write_pdf

    def write_pdf_with_fallback(self: weasyprint.HTML, *args: object, **kwargs: object) -> bytes | None:
        logging.getLogger("weasyprint").warning(
            'Using fontTools instead of HarfBuzz-Subset for font "DejaVu Sans". This will be unsupported in '
            "future versions of WeasyPrint. Please install HarfBuzz-Subset >= 4.1.0 with your package manager."
        )
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", write_pdf_with_fallback)
    assert render_pdf(PAGE).startswith(b"%PDF-")


def test_any_other_warning_still_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint

    original = weasyprint.HTML.write_pdf

    def write_pdf_with_problem(self: weasyprint.HTML, *args: object, **kwargs: object) -> bytes | None:
        logging.getLogger("weasyprint").warning("Failed to load image at data:image/png;base64,xx")
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", write_pdf_with_problem)
    with pytest.raises(PdfRenderWarning, match="Failed to load image"):
        render_pdf(PAGE)


def _amounts_page(filler_lines: int) -> str:
    """The report's style sheet, `filler_lines` lines of text, then a seven-row amounts table."""
    css = (Path(__file__).resolve().parents[2] / "report_templates" / "report.css").read_text("utf-8")
    filler = "".join(f"<p>Text {i}</p>" for i in range(filler_lines))
    rows = "".join(f'<tr><td>Rad {i}</td><td class="tal">{i},0</td></tr>' for i in range(6))
    return (
        f'<html lang="sv"><head><title>Prov</title><style>{css}</style></head><body>{filler}'
        '<table class="belopp"><thead><tr><th>mnkr</th><th class="tal">Belopp</th></tr></thead>'
        f'<tbody>{rows}<tr class="summa"><td>Resultat</td><td class="tal">15,0</td></tr></tbody></table>'
        "</body></html>"
    )


def test_an_amounts_table_is_not_split_across_pages() -> None:
    """Wherever the page ends, the table's first row and its total are on the same page (the total row
    must not stand alone under a repeated header). The filler lengths move the table across a page end."""
    pages_seen = set()
    for filler_lines in range(14, 34, 2):
        reader = PdfReader(io.BytesIO(render_pdf(_amounts_page(filler_lines))))
        texts = [page.extract_text() for page in reader.pages]
        first = [number for number, text in enumerate(texts) if "Rad 0" in text]
        total = [number for number, text in enumerate(texts) if "Resultat" in text]
        assert len(total) == 1
        assert total[0] in first, f"{filler_lines} lines: the total row is on page {total[0] + 1} alone"
        pages_seen.add(total[0])
    assert pages_seen == {0, 1}, (
        "the filler never moved the table to the second page: the test proves nothing"
    )
