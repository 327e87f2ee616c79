"""The report as a tagged A4 PDF (PDF/UA-1), rendered by WeasyPrint from the report's HTML.

The HTML is the same string as report.html: charts are data URIs, styles inline, so nothing is fetched.
The fetcher refuses every other protocol (a template that linked an external resource would otherwise make
the rendering wait on the network, which a region's closed network does not have).

PDF/UA-1 makes WeasyPrint tag the document (a structure tree with headings, tables, lists and figures with
their alt texts), mark it as PDF/UA in its XMP metadata, take the language from `<html lang="sv">` and the
title from `<title>`, which it shows as the window title.
"""

from __future__ import annotations

import functools
import logging

from weasyprint import HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

PDF_VARIANT = "pdf/ua-1"


RECENT_IMAGES = 64
"""WeasyPrint's image cache, kept between PDFs of the process (a version that reuses the charts of the one
before reuses their decoded images too) and emptied when it holds more entries than this (each chart is a
few entries: the image and its PDF streams)."""
_images: dict[str, object] = {}


@functools.cache
def _fonts() -> FontConfiguration:
    """One font configuration per process: the report has no @font-face, so it only holds the system's
    fonts, which WeasyPrint otherwise looks up again for every PDF (about 5 % of a PDF's time)."""
    return FontConfiguration()


class PdfRenderWarning(RuntimeError):
    """WeasyPrint reported a problem (an unknown CSS property, an image it could not load)."""


def render_pdf(html: str) -> bytes:
    """The PDF of one report page. WeasyPrint's warnings fail the rendering: the PDF would be wrong."""
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    if len(_images) > RECENT_IMAGES:
        _images.clear()
    with _collected_warnings() as problems:
        pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(
            pdf_variant=PDF_VARIANT, font_config=_fonts(), cache=_images
        )
    problems = [problem for problem in problems if not _harmless(problem)]
    if problems:
        raise PdfRenderWarning("WeasyPrint: " + "; ".join(problems))
    assert pdf is not None  # write_pdf without a target returns the bytes
    return pdf


def _harmless(message: str) -> bool:
    """Warnings that leave the PDF right. Without the system's HarfBuzz-Subset library (Debian's
    libharfbuzz-subset0, absent from a minimal machine) WeasyPrint subsets the embedded fonts with fontTools
    instead, and says so: the same glyphs end up in the file, only slower."""
    return "instead of HarfBuzz-Subset" in message


class _collected_warnings:  # noqa: N801 - used as a context manager
    """Collect WeasyPrint's warnings while rendering (it logs them rather than raising)."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._handler = logging.Handler(level=logging.WARNING)
        self._handler.emit = lambda record: self.problems.append(record.getMessage())  # type: ignore[method-assign]

    def __enter__(self) -> list[str]:
        logging.getLogger("weasyprint").addHandler(self._handler)
        return self.problems

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("weasyprint").removeHandler(self._handler)
