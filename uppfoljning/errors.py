"""The one exception that means "the data is wrong, and the user can fix it".

A run that meets it publishes nothing and exits with status 2, its message naming the table (or input
file), the key and the rule, so that finance staff know what to correct. It is raised only where data is
the cause. Any other exception is a bug (or an outage) and must not be dressed up as bad data: it
propagates, the run fails with status 1 and the traceback in the log.
"""

from __future__ import annotations


class DataError(Exception):
    """Data the user can fix: which table or file, which key, which rule, and what is wrong."""

    def __init__(self, *, table: str, key: str, rule: str, problem: str, fix: str = "") -> None:
        self.table = table
        self.key = key
        self.rule = rule
        self.problem = problem
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.table}, {self.key}: {self.problem} (rule {self.rule})."
        return f"{text} {self.fix}" if self.fix else text


def schema_error_key(exc: Exception) -> str:
    """Where in a YAML file a schema error is: pydantic's location of the first error ("investments.2025-04"),
    else "the file" (a YAML syntax error names its line in the message)."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        found = errors()
        if found and found[0].get("loc"):
            return ".".join(str(part) for part in found[0]["loc"])
    return "the file"
