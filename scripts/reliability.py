"""Reliability scenarios: killed processes, two instances, hostile input; results into docs/reliability.md.

    python scripts/reliability.py [--runs N] [--write]

Each scenario runs N times (some in child processes killed with SIGKILL at
random moments) and reports what held. The pytest suite runs the same
scenarios a few times each (tests/reliability/); this script runs them many
times and, with --write, rewrites the table in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.uscc import check_character  # noqa: E402

PY = sys.executable


def uscc(n: int, prefix: str = "911504") -> str:
    first17 = prefix + f"{n:011d}"
    return first17 + check_character(first17)


# ------------------------------------------------------------------ children


def make_import(name: str, companies: int, award_year: int = 2026):
    """An ImportData of ``companies`` Hulunbuir companies with a few claims each."""
    from core.casefile import parse_claim
    from core.model import RdYear
    from core.records import CompanyProfile, ImportData
    from core.vocabulary import load_vocabulary

    vocab = load_vocabulary()
    data = ImportData(name + ".xlsx", hashlib.sha256(name.encode()).hexdigest(), award_year, name)
    for i in range(companies):
        u = uscc(i)
        data.companies.append(
            CompanyProfile(
                u, f"可靠性测试{i}号有限公司", "hulunbuir", "海拉尔区", bank_name="中国银行", bank_account=f"1{i:015d}"
            )
        )
        data.rd += [
            (u, RdYear(2024, __import__("decimal").Decimal(1_000_000 + i), True)),
            (u, RdYear(2025, __import__("decimal").Decimal(2_000_000 + 7 * i), True)),
        ]
        data.tech_sme.append((u, 2025))
        for k, raw in enumerate(
            (
                {"type": "rd_post_subsidy"},
                {
                    "type": "tech_contract",
                    "number": f"HT{i}",
                    "date": "2026-05-01",
                    "amount": str(1_000_000 + i),
                    "regional_post_subsidy": True,
                },
                {"type": "tech_sme_registration", "year": 2026},
            )
        ):
            data.claims.append((u, parse_claim(raw, vocab, "x", award_year, f"c{k}")))
    return data


def child(mode: str, url: str, arg: str) -> None:
    """Run in a child process; killed at a random moment by the parent."""
    from core.store import open_store

    store = open_store(url)
    if mode == "import":
        n = int(arg)
        print("start", flush=True)
        store.apply_import(make_import(f"kill-{n}", n))
        print("done", flush=True)
    elif mode == "calc":
        from core.engine import load_policies

        print("start", flush=True)
        store.calculate(int(arg), load_policies())
        print("done", flush=True)
    elif mode == "export":
        from core.excel.results_workbook import write_results_workbook

        print("start", flush=True)
        write_results_workbook(store.batch(1), store.lines(1), Path(arg))
        print("done", flush=True)
    store.close()


def spawn(mode: str, url: str, arg: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [PY, __file__, "--child", mode, url, arg], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
    )


def kill_after(proc: subprocess.Popen, delay: float) -> bool:
    """SIGKILL ``proc`` ``delay`` seconds after it said 'start'; True if it was killed before finishing."""
    line = proc.stdout.readline()
    if line.strip() != "start":
        proc.wait()
        raise RuntimeError(f"child failed before start: {proc.stderr.read()[-2000:]}")
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    return killed


# ------------------------------------------------------------------ checks


def integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def counts(path: Path) -> dict:
    con = sqlite3.connect(path)
    try:
        out = {}
        for table in (
            "companies",
            "batches",
            "claims",
            "award_lines",
            "rd_years",
            "tech_sme_registrations",
            "import_log",
        ):
            out[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return out
    finally:
        con.close()


def fresh_db(folder: Path) -> tuple[str, Path]:
    from core.store import open_store

    path = folder / "kjjb.sqlite3"
    url = f"sqlite:///{path.as_posix()}"
    open_store(url).close()
    return url, path


# ------------------------------------------------------------------ scenarios


def scenario_kill_import(runs: int, companies: int = 1500, seed: int = 1) -> dict:
    """SIGKILL an import at random moments: the database is the old state or the new, never a mix."""
    rnd = random.Random(seed)
    killed = old = new = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, path = fresh_db(folder)
        before = counts(path)
        # how long a whole import takes, to spread the kills over it
        t0 = time.perf_counter()
        p = spawn("import", url, str(companies))
        p.wait()
        full = time.perf_counter() - t0
        after = counts(path)
        assert after["batches"] == 1 and after["companies"] == companies, after
        for i in range(runs):
            run_dir = folder / f"run{i}"
            run_dir.mkdir()
            url_i, path_i = fresh_db(run_dir)
            was_killed = kill_after(spawn("import", url_i, str(companies)), rnd.uniform(0, full))
            killed += was_killed
            assert integrity(path_i) == "ok", f"run {i}: integrity_check failed"
            c = counts(path_i)
            if c == before:
                old += 1
            elif c == after:
                new += 1
            else:
                raise AssertionError(f"run {i}: a mix of old and new state: {c}")
    return {"runs": runs, "killed": killed, "old": old, "new": new, "seconds": round(full, 2)}


def scenario_kill_calc(runs: int, companies: int = 1500, seed: int = 2) -> dict:
    """SIGKILL a calculation: the batch has either no lines or all of them."""
    rnd = random.Random(seed)
    killed = empty = full_lines = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, path = fresh_db(folder)
        spawn("import", url, str(companies)).wait()
        template = path.read_bytes()
        t0 = time.perf_counter()
        spawn("calc", url, "1").wait()
        full = time.perf_counter() - t0
        expected = counts(path)["award_lines"]
        assert expected > 0
        for i in range(runs):
            run_dir = folder / f"run{i}"
            run_dir.mkdir()
            p = run_dir / "kjjb.sqlite3"
            p.write_bytes(template)
            was_killed = kill_after(spawn("calc", f"sqlite:///{p.as_posix()}", "1"), rnd.uniform(0, full))
            killed += was_killed
            assert integrity(p) == "ok"
            n = counts(p)["award_lines"]
            if n == 0:
                empty += 1
            elif n == expected:
                full_lines += 1
            else:
                raise AssertionError(f"run {i}: {n} of {expected} lines written")
    return {"runs": runs, "killed": killed, "old": empty, "new": full_lines, "seconds": round(full, 2)}


def scenario_kill_export(runs: int, companies: int = 1500, seed: int = 3) -> dict:
    """SIGKILL an export: no half-written workbook under the final name."""
    from openpyxl import load_workbook

    rnd = random.Random(seed)
    killed = absent = complete = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, path = fresh_db(folder)
        spawn("import", url, str(companies)).wait()
        spawn("calc", url, "1").wait()
        target = folder / "结果.xlsx"
        t0 = time.perf_counter()
        spawn("export", url, str(target)).wait()
        full = time.perf_counter() - t0
        assert target.exists()
        for i in range(runs):
            out = folder / f"结果{i}.xlsx"
            killed += kill_after(spawn("export", url, str(out)), rnd.uniform(0, full))
            if out.exists():
                load_workbook(out, read_only=True).close()  # complete and readable
                complete += 1
            else:
                absent += 1
        leftovers = [
            p.name
            for p in folder.iterdir()
            if p.suffix not in (".xlsx", ".sqlite3", ".sqlite3-wal", ".sqlite3-shm") and p.is_file()
        ]
    return {
        "runs": runs,
        "killed": killed,
        "old": absent,
        "new": complete,
        "seconds": round(full, 2),
        "temporary files left": len(leftovers),
    }


def scenario_two_instances(runs: int, seed: int = 4) -> dict:
    """Two processes import different files into one SQLite database at once: both land, nothing lost."""
    ok = refused = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            run_dir = Path(tmp) / f"run{i}"
            run_dir.mkdir()
            url, path = fresh_db(run_dir)
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            code = (
                "import sys; sys.path.insert(0, %r); from scripts.reliability import make_import;"
                "from core.store import open_store; s=open_store(%r); "
                "print(s.apply_import(make_import(sys.argv[1], 400))[0])"
            ) % (str(ROOT), url)
            procs = [
                subprocess.Popen(
                    [PY, "-c", code, f"two-{i}-{k}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
                )
                for k in range(2)
            ]
            results = [p.communicate() + (p.returncode,) for p in procs]
            c = counts(path)
            landed = sum(1 for _, _, rc in results if rc == 0)
            for out, err, rc in results:
                if rc != 0:
                    assert "数据库" in err and "Traceback" not in err, err[-1500:]
            assert integrity(path) == "ok"
            assert c["batches"] == landed and c["import_log"] == landed, (c, results)
            assert c["claims"] == 400 * 3 * landed
            ok += landed == 2
            refused += landed < 2
    return {"runs": runs, "both landed": ok, "one refused clearly": refused}


def scenario_double_approve(runs: int, companies: int = 200) -> dict:
    """Two processes approve the same batch at once: it enters the ledger exactly once."""
    one_each = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, path = fresh_db(folder)
        spawn("import", url, str(companies)).wait()
        spawn("calc", url, "1").wait()
        template = path.read_bytes()
        lines = counts(path)["award_lines"]
        for i in range(runs):
            p = folder / f"run{i}.sqlite3"
            p.write_bytes(template)
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            cmd = [
                PY,
                str(ROOT / "main.py"),
                "--db",
                f"sqlite:///{p.as_posix()}",
                "approve",
                "1",
                "--preparer",
                "张三",
                "--reviewer",
                "李四",
                "--allow-provisional",
            ]
            procs = [
                subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
                for _ in range(2)
            ]
            results = [p2.communicate() + (p2.returncode,) for p2 in procs]
            codes = sorted(rc for _, _, rc in results)
            assert codes[0] == 0 and codes[1] != 0, results
            refused = next(err for _, err, rc in results if rc != 0)
            assert "Traceback" not in refused and refused.strip(), refused
            con = sqlite3.connect(p)
            ledger = con.execute("SELECT count(*) FROM ledger").fetchone()[0]
            con.close()
            assert ledger == lines, (ledger, lines)
            one_each += 1
    return {"runs": runs, "approved once, second refused clearly": one_each}


SCENARIOS = {
    "kill_import": ("导入时进程被强制结束（SIGKILL）", scenario_kill_import),
    "kill_calc": ("计算时进程被强制结束（SIGKILL）", scenario_kill_calc),
    "kill_export": ("导出结果工作簿时进程被强制结束（SIGKILL）", scenario_kill_export),
    "two_instances": ("两个程序实例同时向同一SQLite数据库导入", scenario_two_instances),
    "double_approve": ("两个程序实例同时审批同一批次", scenario_double_approve),
}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    for key, (label, fn) in SCENARIOS.items():
        if args.only and key not in args.only:
            continue
        t0 = time.perf_counter()
        result = fn(args.runs)
        print(
            json.dumps(
                {"scenario": key, "label": label, **result, "elapsed": round(time.perf_counter() - t0, 1)},
                ensure_ascii=False,
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
