"""Moved to `extract.sources` (the source contract lives beside the extract that reads it); kept so that
`from uppfoljning.sources import ...` goes on working."""

from extract.sources import *  # noqa: F403
from extract.sources import __all__  # noqa: F401
