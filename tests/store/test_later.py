"""core.store.managers.Later: a manager's module imported when one of its names is first used."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_a_later_module_is_imported_at_its_first_use_and_gives_the_modules_own_names():
    code = (
        "import sys; from core.store.managers import Later\n"
        "later = Later('core.store.adjustments'); before = 'core.store.adjustments' in sys.modules\n"
        "import core.store.adjustments as real\n"
        "print(before, later.create_adjustment is real.create_adjustment)"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "True"]


def test_a_name_the_module_lacks_is_an_attribute_error_naming_it():
    from core.store.managers import Later

    with pytest.raises(AttributeError, match="no_such_name"):
        _ = Later("core.store.reads").no_such_name
