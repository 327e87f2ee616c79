"""The PDF renderer turns WeasyPrint's warnings into failures, except the one that leaves the PDF right."""

from __future__ import annotations

import logging

import pytest

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
