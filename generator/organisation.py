"""The demo office's organisation: departments and units (the cost centres) and where the staff work.

The staff numbers also weight the personnel budget, so the ledger and HR agree on where people work.
"""

from __future__ import annotations

from generator.common import Row

DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("10000", "Regiondirektörens stab"),
    ("20000", "Ekonomi"),
    ("30000", "HR"),
    ("40000", "Kommunikation"),
    ("50000", "Regional utveckling"),
    ("60000", "Hälso- och sjukvårdsstaben"),
    ("70000", "IT-förvaltning"),
)
# (code, name, department, permanent staff at the start of the data). The staff numbers also weight the
# personnel budget, so the ledger and HR agree on where people work.
UNITS: tuple[tuple[str, str, str, int], ...] = (
    ("10100", "Regionkontoret gemensamt", "10000", 0),
    ("10200", "Kansli och juridik", "10000", 26),
    ("10300", "Säkerhet och beredskap", "10000", 14),
    ("20100", "Redovisning", "20000", 30),
    ("20200", "Controller och analys", "20000", 28),
    ("20300", "Upphandling", "20000", 22),
    ("30100", "HR-service och lön", "30000", 48),
    ("30200", "Kompetensförsörjning och arbetsmiljö", "30000", 26),
    ("40100", "Kommunikation och webb", "40000", 32),
    ("50100", "Näringsliv och innovation", "50000", 30),
    ("50200", "Kollektivtrafik och infrastruktur", "50000", 24),
    ("50300", "Kultur och folkhälsa", "50000", 28),
    ("60100", "Vårdutveckling", "60000", 44),
    ("60200", "Nära vård", "60000", 30),
    ("60300", "Data och analys", "60000", 30),
    ("70100", "IT-drift", "70000", 92),
    ("70200", "Applikationsförvaltning", "70000", 84),
    ("70300", "Vårdinformationsstöd", "70000", 58),
    ("70400", "IT-säkerhet och support", "70000", 44),
)
CENTRAL_UNIT = "10100"  # carries the council's allocation
PAYROLL_UNIT = "30100"  # carries the payroll liabilities
STAFFED_UNITS = tuple(code for code, _, _, staff in UNITS if staff > 0)
STAFF_WEIGHT = {code: staff for code, _, _, staff in UNITS}


def cost_center_rows() -> list[Row]:
    departments = [{"cost_center": code, "name": name, "parent": None} for code, name in DEPARTMENTS]
    units = [{"cost_center": code, "name": name, "parent": parent} for code, name, parent, _ in UNITS]
    return departments + units
