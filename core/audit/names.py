"""Moved to core.identity.names (this old name is the same module)."""

import importlib
import sys

sys.modules[__name__] = importlib.import_module("core.identity.names")
