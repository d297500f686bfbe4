import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("KJJB_DATA_DIR", tempfile.mkdtemp(prefix="kjjb-test-"))

import pytest  # noqa: E402

from core.engine import load_policies  # noqa: E402


@pytest.fixture(scope="session")
def policies():
    return load_policies()


@pytest.fixture(scope="session")
def vocab(policies):
    return policies.vocabulary
