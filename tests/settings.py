"""The suite's settings: production's own module, with secrets given explicitly for the tests.

Outside `make run` Untold refuses to start without SECRET_KEY and RECEIPT_KEYS (and never
generates them), so the suite names its own. They go into the environment, not only into
these settings, because the servers and workers the integration tests start inherit it.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-outside-the-test-suite")
os.environ.setdefault("RECEIPT_KEYS", "test:tests-only-receipt-secret")

from config.settings import *  # noqa: E402, F403
