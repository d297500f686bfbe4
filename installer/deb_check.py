"""Check the .deb by installing it on this machine: ``python3 dev.py deb --check`` (as root; CI runs it).

    python installer/deb_check.py [dist/kjjb_<version>_amd64.deb]

1. ``apt-get install ./kjjb_<version>_amd64.deb`` (its Depends come from the
   package registry): the files, the menu entry, the icon;
2. as a normal user (``kjjbcheck``, made for the check and removed after):
   ``kjjb --selftest`` (every step, Qt offscreen), then a batch from the
   command line into the user's home - template, import of the sample, calc,
   approve, the three exports - equal to the same batch from the source tree,
   with the database in ~/.local/share/kjjb;
3. ``apt-get remove kjjb``: nothing of the package is left, the user's data is.

Each step prints its time; the exit code is 0 only when every check passed.
"""

from __future__ import annotations

import argparse
import configparser
import hashlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from core.version import APP_NAME, __version__  # noqa: E402
from installer import batch_check  # noqa: E402

USER = "kjjbcheck"
FILES = (
    "/opt/kjjb/kjjb",
    "/opt/kjjb/_internal/resources/fonts/wqy-microhei.ttc",
    "/usr/bin/kjjb",
    "/usr/share/applications/kjjb.desktop",
    "/usr/share/icons/hicolor/256x256/apps/kjjb.png",
    "/usr/share/doc/kjjb/copyright",
)


class CheckFailed(Exception):
    pass


def expect(condition, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def apt(*args, timeout=600) -> subprocess.CompletedProcess:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    result = subprocess.run(
        ["apt-get", "-y", "-q", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        raise CheckFailed(f"apt-get {' '.join(args)} 失败：\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result


def package_status() -> str:
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "kjjb"], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else "not-installed"


class Check:
    def __init__(self, deb: Path):
        self.deb = deb
        self.times: list[tuple[str, float]] = []
        self.made_user = False
        self.home: Path | None = None

    def step(self, label: str, fn) -> None:
        started = time.perf_counter()
        try:
            detail = fn()
        except Exception:
            print(f"[失败] {label}（{time.perf_counter() - started:.1f}秒）", flush=True)
            raise
        seconds = time.perf_counter() - started
        self.times.append((label, seconds))
        print(f"[通过] {label}：{detail}（{seconds:.1f}秒）", flush=True)

    # ------------------------------------------------------------ the normal user
    def user(self) -> None:
        try:
            entry = pwd.getpwnam(USER)
        except KeyError:
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", USER], check=True)
            self.made_user = True
            entry = pwd.getpwnam(USER)
        self.home = Path(entry.pw_dir)
        expect(entry.pw_uid != 0, f"{USER} 不是普通用户")

    def as_user(self, *args, timeout=300) -> str:
        """Run ``kjjb ARGS`` as the normal user, in a login-like environment with no variables of ours."""
        env = [
            "env",
            "-i",
            f"HOME={self.home}",
            f"USER={USER}",
            "PATH=/usr/local/bin:/usr/bin:/bin",
            "LANG=C.UTF-8",
            "QT_QPA_PLATFORM=offscreen",
        ]
        result = subprocess.run(
            ["runuser", "-u", USER, "--", *env, "kjjb", *map(str, args)],
            cwd="/",
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
        )
        if result.returncode:
            raise CheckFailed(
                f"kjjb {' '.join(map(str, args))}（用户 {USER}）退出码{result.returncode}：\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result.stdout

    # ------------------------------------------------------------ steps
    def install(self) -> str:
        if package_status().startswith("install ok"):
            apt("remove", "kjjb")
        apt("install", "--no-install-recommends", str(self.deb))
        expect(package_status() == "install ok installed", f"安装后状态为 {package_status()}")
        for path in FILES:
            expect(Path(path).exists(), f"安装后缺少 {path}")
        desktop = configparser.ConfigParser(interpolation=None)
        desktop.optionxform = str
        desktop.read("/usr/share/applications/kjjb.desktop", encoding="utf-8")
        entry = desktop["Desktop Entry"]
        expect(
            entry["Name[zh_CN]"] == APP_NAME and entry["Icon"] == "kjjb" and entry["Exec"].startswith("/usr/bin/kjjb"),
            f"菜单项不对：{dict(entry)}",
        )
        if shutil.which("desktop-file-validate"):
            result = subprocess.run(
                ["desktop-file-validate", "/usr/share/applications/kjjb.desktop"], capture_output=True, text=True
            )
            expect(result.returncode == 0, f"菜单项不合规范：{result.stdout}{result.stderr}")
        version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "kjjb"], capture_output=True, text=True).stdout
        expect(version == __version__, f"安装的版本为 {version}")
        return f"{self.deb.name}（{self.deb.stat().st_size / 2**20:.1f} MiB）：/opt/kjjb、/usr/bin/kjjb、菜单项“{APP_NAME}”和图标"

    def selftest(self) -> str:
        self.user()
        out = self.as_user("--selftest")
        lines = out.strip().splitlines()
        expect(lines and lines[-1].startswith("自检通过：") and "[失败]" not in out, out)
        expect("随程序提供的中文字体：WenQuanYi Micro Hei" in out, "自检没有找到随程序提供的字体")
        expect(not (self.home / ".local" / "share" / "kjjb").exists(), "自检写入了用户的数据目录")
        return f"用户 {USER}：{lines[-1]}"

    def batch(self) -> str:
        work = self.home / "奖补测试"
        work.mkdir(exist_ok=True)
        shutil.chown(work, USER, USER)
        got = batch_check.drive(self.as_user, lambda name: str(work / name), work)
        database = self.home / ".local" / "share" / "kjjb" / "kjjb.sqlite3"
        expect(database.is_file(), f"数据库不在 {database}")
        expect(database.stat().st_uid == pwd.getpwnam(USER).pw_uid, "数据库不属于该用户")
        with tempfile.TemporaryDirectory(prefix="kjjb-ref-") as folder:
            want = batch_check.reference(Path(folder))
        return batch_check.compare(got, want, ".deb 安装的程序") + f"；数据库在 {database}"

    def remove(self) -> str:
        data = self.home / ".local" / "share" / "kjjb"
        before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.rglob("*") if p.is_file()}
        apt("remove", "kjjb")
        status = package_status()
        expect(not status.startswith("install ok"), f"卸载后状态为 {status}")
        listed = subprocess.run(["dpkg", "-L", "kjjb"], capture_output=True, text=True)
        expect(listed.returncode != 0, f"卸载后 dpkg 仍列出文件：{listed.stdout[:500]}")
        left = [p for p in (*FILES, "/opt/kjjb") if Path(p).exists()]
        expect(not left, f"卸载后仍有：{left}")
        after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.rglob("*") if p.is_file()}
        expect(after == before and before, f"卸载改动了用户的数据 {data}")
        return f"软件包的文件全部删除；{data} 原样保留（{len(before)}个文件）"

    def cleanup(self) -> None:
        if package_status().startswith("install ok"):
            subprocess.run(["apt-get", "-y", "-q", "remove", "kjjb"], stdin=subprocess.DEVNULL, capture_output=True)
        if self.made_user:
            subprocess.run(["userdel", "--remove", USER], capture_output=True)

    def run(self) -> None:
        self.step("apt-get install ./" + self.deb.name, self.install)
        self.step("kjjb --selftest（普通用户）", self.selftest)
        self.step("命令行批次（普通用户，数据在家目录）", self.batch)
        self.step("apt-get remove kjjb（保留数据）", self.remove)


def main(argv=None) -> int:
    from installer.deb_build import deb_name

    parser = argparse.ArgumentParser(description="安装 .deb 并检查（须以 root 运行）")
    parser.add_argument("deb", nargs="?", default=str(ROOT / "dist" / deb_name()))
    args = parser.parse_args(argv)
    deb = Path(args.deb).resolve()
    if not deb.is_file():
        print(f"找不到 {deb}：请先运行 python3 dev.py deb", file=sys.stderr)
        return 1
    if os.geteuid() != 0:
        print("检查 .deb 要安装和卸载软件包、创建检查用户：请以 root 运行", file=sys.stderr)
        return 1
    check = Check(deb)
    started = time.perf_counter()
    try:
        check.run()
    except (CheckFailed, batch_check.BatchFailed, subprocess.SubprocessError, OSError) as exc:
        print(f".deb 检查不通过：{exc}", file=sys.stderr)
        print(f"deb: {len(check.times)} passed, 1 failed")
        return 1
    finally:
        check.cleanup()
    print(f".deb 检查通过：{len(check.times)}步，用时{time.perf_counter() - started:.0f}秒")
    print(f"deb: {len(check.times)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
