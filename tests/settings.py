"""The suite's settings: production's own module, with secrets given explicitly for the tests.

Outside `make run` Untold refuses to start without SECRET_KEY and RECEIPT_KEYS (and never
generates them), so the suite names its own. They go into the environment, not only into
these settings, because the servers and workers the integration tests start inherit it.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-outside-the-test-suite")
os.environ.setdefault("RECEIPT_KEYS", "test:tests-only-receipt-secret")

from config.settings import *  # noqa: E402, F403

# The keystore of this run: a fresh temporary directory, never var/keys of the checkout. The
# servers and workers the integration tests start inherit it through the environment.
if not os.environ.get("STORY_KEYSTORE"):
    os.environ["STORY_KEYSTORE"] = tempfile.mkdtemp(prefix="untold-keys-")
STORY_KEYSTORE = os.environ["STORY_KEYSTORE"]
