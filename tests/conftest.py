"""Test session set-up: flows run against a throw-away local Prefect server, never the user's .prefect/.

Prefect starts its temporary server on the first flow call only, so pure tests do not pay for it.
"""

from __future__ import annotations

import os
import tempfile

os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="uppfoljning-prefect-")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
