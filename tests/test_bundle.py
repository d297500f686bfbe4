"""The built bundle (dist/kjjb, from ``python3 dev.py bundle``) started as a clerk would start it.

Skipped when no bundle is built, or when it was built from other sources than
these; with KJJB_REQUIRE_BUNDLE=1 (CI, which builds it first) those fail instead.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from installer.bundle import console_program, exe_name, source_digest  # noqa: E402

BUNDLE = ROOT / "dist" / "kjjb"
REQUIRED = os.environ.get("KJJB_REQUIRE_BUNDLE") == "1"


def _bundle_problem() -> str | None:
    info = BUNDLE / "build-info.json"
    if not info.exists():
        return f"no bundle at {BUNDLE}: run python3 dev.py bundle"
    if json.loads(info.read_text(encoding="utf-8"))["source_digest"] != source_digest(ROOT):
        return "the bundle was built from other sources: run python3 dev.py bundle again"
    return None


@pytest.fixture(scope="module")
def program():
    problem = _bundle_problem()
    if problem:
        if REQUIRED:
            pytest.fail(problem)
        pytest.skip(problem)
    return BUNDLE / exe_name("kjjb"), BUNDLE / exe_name(console_program())


def clean_env(tmp_path, **extra) -> dict:
    """The environment of a clerk's PC: no Python of ours on the path, an offscreen screen for CI."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KJJB_", "QT_"))}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "xdg"), **extra)
    return env


def start(program, tmp_path, data: Path, first_run, name: str) -> dict:
    """Start the bundled window program on ``data`` with the autopilot; returns its report."""
    config = tmp_path / f"{name}.json"
    report = tmp_path / f"{name}-report.json"
    config.write_text(json.dumps({"first_run": first_run, "report": str(report)}, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [str(program), "--data-dir", str(data)],
        env=clean_env(tmp_path, KJJB_AUTOPILOT=str(config)),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert report.exists(), "the program quit without reporting:\n" + result.stdout + result.stderr
    out = json.loads(report.read_text(encoding="utf-8"))
    assert out["problems"] == [], out
    return out


def test_bundle_selftest(program, tmp_path):
    _, console = program
    result = subprocess.run(
        [str(console), "--selftest"],
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "自检通过" in result.stdout and "[失败]" not in result.stdout
    assert "随程序提供的中文字体：WenQuanYi Micro Hei" in result.stdout


def test_bundle_first_run_then_later_runs_then_an_upgrade(program, tmp_path):
    from core.firstrun import CLERK_NAME_KEY
    from core.store import migrate, open_store
    from core.version import __version__

    window, _ = program
    data = tmp_path / "data"

    # First run on a fresh data folder: the dialog is walked, the database created, the demo loaded.
    first = start(
        window,
        tmp_path,
        data,
        {"issuer": "呼伦贝尔市科学技术局", "code": "呼科发", "clerk": "王敏", "demo": True},
        "first",
    )
    assert first["first_run_dialog"] is True
    assert first["dialog_prefill"] == {"issuer": "", "code": "", "clerk": "", "demo_offered": True}
    assert first["title"] == f"科技创新奖补计算器 {__version__}" and first["icon"] is True
    assert first["status"] == f"已载入演示数据：批次{first['demo_batch']}“2026年第一批科技创新奖补”"
    assert first["window_shown_at"] <= first["finished_at"]
    letters = json.loads((data / "letters_settings.json").read_text(encoding="utf-8"))
    assert (letters["issuer"], letters["code"]) == ("呼伦贝尔市科学技术局", "呼科发")
    assert "[firstrun]\ndone=true" in (data / "settings.ini").read_text(encoding="utf-8")
    url = f"sqlite:///{(data / 'kjjb.sqlite3').as_posix()}"
    store = open_store(url)
    try:
        assert store.setting(CLERK_NAME_KEY) == "王敏"
        assert [b.id for b in store.batches()] == [first["demo_batch"]]
    finally:
        store.close()

    # Later runs go straight to work.
    later = start(window, tmp_path, data, None, "later")
    assert later["first_run_dialog"] is False and later["notices"] == [] and later["status"] == "就绪"

    # A database of an older version is backed up and upgraded, and the first window says so.
    store = open_store(url)
    try:
        migrate.downgrade(store.engine, "0002")
    finally:
        store.close()
    upgraded = start(window, tmp_path, data, None, "upgraded")
    head = migrate.head_revision()
    (notice,) = upgraded["notices"]
    assert notice.startswith(f"数据库已从结构版本0002升级到{head}，升级前的数据库已备份为 ")
    backup = Path(notice.split("已备份为 ")[1])
    assert backup.parent == data / "backups" and backup.name.endswith("-migrate.sqlite3") and backup.exists()
    assert upgraded["status"] == notice
