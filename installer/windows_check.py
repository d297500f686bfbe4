"""Check the Windows installer under Wine, as a clerk's PC would use it: ``python3 dev.py windows --check``.

    python installer/windows_check.py [dist/kjjb-setup-<version>.exe] [--keep] [--screenshot PNG]

In a fresh 64-bit Wine prefix with a Chinese locale (Windows code page 936):

1. the installer's file properties carry the version; a silent per-user install
   (/S) puts the program into %LOCALAPPDATA%\\Programs\\科技创新奖补计算器 with the
   Start-menu and desktop shortcuts and the uninstall entry;
2. with a stand-in for Windows' bcryptprimitives.dll in System32 (Wine 8 has
   none, and python-calamine's module imports ProcessPrng from it:
   installer/windows/bcryptprimitives_stub.c, never shipped),
   ``kjjb-console --selftest --headless`` passes; then, with a
   stand-in for Windows' icuuc.dll in System32 (Wine has none, and Qt6Core.dll
   needs it: installer/windows/icuuc_stub.c, never shipped), the full
   ``kjjb-console --selftest``: Qt's Chinese, the font, letters as PDF, the
   main window (offscreen);
3. a batch from the command line with Windows paths in a Chinese folder:
   template, import of the sample, calc, approve and the three exports; the
   files are opened and the batch must equal the same batch worked out by the
   source tree on Linux;
4. with Xvfb: ``kjjb.exe`` (the window) through the first-run dialog on the
   real Windows platform plugin (the autopilot, as tests/test_bundle.py);
5. an upgrade in place (installing again) replaces the program files whole and
   keeps the data;
6. a silent uninstall removes the program, shortcuts and entry, and leaves
   %LOCALAPPDATA%\\kjjb as it was;
7. an all-users install (/AllUsers) into Program Files, and its uninstall.

Each step prints its time; the exit code is 0 only when every check passed.
Run Windows programs with stdin from /dev/null and their output into pipes:
Wine 8 gives Python invalid standard handles otherwise.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import os
import re
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

LOCALE = "zh_CN.UTF-8"
CODE_PAGE = "gbk"  # what a console program writes into a pipe on a Chinese Windows (code page 936)
UNINSTALL_KEY = r"Software\Microsoft\Windows\CurrentVersion\Uninstall\kjjb"


class CheckFailed(Exception):
    pass


def expect(condition, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def version_string(path: Path, key: str) -> str | None:
    """A value of the StringFileInfo in a PE file's version resource (what Explorer's Properties shows)."""
    data = path.read_bytes()
    needle = key.encode("utf-16-le") + b"\0\0"
    at = data.find(needle)
    if at < 0:
        return None
    start = at + len(needle)
    start += (-start) % 4  # the value is aligned to 32 bits
    end = start
    while end + 1 < len(data) and data[end : end + 2] != b"\0\0":
        end += 2
    return data[start:end].decode("utf-16-le")


def ensure_locale() -> None:
    names = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower().split()
    if "zh_cn.utf8" in names:
        return
    if os.geteuid() != 0:
        raise CheckFailed(f"缺少 {LOCALE} 区域设置：请以管理员身份运行 localedef -i zh_CN -f UTF-8 {LOCALE}")
    subprocess.run(["localedef", "-i", "zh_CN", "-f", "UTF-8", LOCALE], check=True)


class Wine:
    """A fresh Wine prefix with its own HOME, and Windows paths inside it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.prefix = folder / "prefix"
        self.home = folder / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.user = getpass.getuser()
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTHON", "KJJB_", "QT_", "LC_", "LANG", "DISPLAY", "WINE"))
        }
        self.env.update(
            WINEPREFIX=str(self.prefix),
            WINEARCH="win64",
            WINEDEBUG="-all",
            HOME=str(self.home),
            WINEDLLOVERRIDES="mscoree,mshtml=",
            LC_ALL=LOCALE,
            LANG=LOCALE,
        )

    def unix(self, windows_path: str) -> Path:
        drive, _, rest = windows_path.partition(":\\")
        expect(drive.upper() == "C", f"not on drive C: {windows_path}")
        return self.prefix / "drive_c" / Path(*rest.split("\\"))

    @property
    def profile(self) -> str:
        return f"C:\\users\\{self.user}"

    @property
    def local_appdata(self) -> str:
        return self.profile + "\\AppData\\Local"

    def run(self, program, *args, timeout=300, display=None, check=True) -> subprocess.CompletedProcess:
        env = dict(self.env)
        if display:
            env["DISPLAY"] = display
        result = subprocess.run(
            ["wine", str(program), *map(str, args)],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
        )
        self.wait()
        result.out = result.stdout.decode(CODE_PAGE, errors="replace")
        result.err = result.stderr.decode(CODE_PAGE, errors="replace")
        if check and result.returncode != 0:
            raise CheckFailed(
                f"{Path(str(program)).name} {' '.join(map(str, args))} 退出码{result.returncode}：\n"
                f"{result.out[-3000:]}\n{result.err[-3000:]}"
            )
        return result

    def wait(self) -> None:
        subprocess.run(["wineserver", "-w"], env=self.env, check=False)

    def boot(self) -> None:
        subprocess.run(
            ["wineboot", "-i"], env=self.env, stdin=subprocess.DEVNULL, capture_output=True, check=True, timeout=300
        )
        self.wait()

    def registry(self, key: str, value: str) -> str | None:
        result = subprocess.run(
            ["wine", "reg", "query", key, "/v", value], env=self.env, stdin=subprocess.DEVNULL, capture_output=True
        )
        text = result.stdout.decode(CODE_PAGE, errors="replace")
        m = re.search(rf"{re.escape(value)}\s+REG_\w+\s+(.*)", text)
        return m.group(1).strip() if result.returncode == 0 and m else None

    def stop(self) -> None:
        subprocess.run(["wineserver", "-k"], env=self.env, check=False, capture_output=True)


class Check:
    def __init__(self, setup: Path, folder: Path, screenshot: Path | None):
        self.setup = setup
        self.wine = Wine(folder)
        self.screenshot = screenshot
        self.times: list[tuple[str, float]] = []
        self.per_user_dir = f"{self.wine.local_appdata}\\Programs\\{APP_NAME}"
        self.data_dir = f"{self.wine.local_appdata}\\kjjb"
        self.work = f"{self.wine.profile}\\Documents\\奖补测试"

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

    # ------------------------------------------------------------ steps
    def prefix(self) -> str:
        ensure_locale()
        self.wine.boot()
        probe = self.wine.run("cmd", "/c", "echo", "奖补")
        expect(probe.stdout.strip() == "奖补".encode(CODE_PAGE), f"Wine 的代码页不是 936：{probe.stdout!r}")
        return f"新的 64 位 Wine 前缀，区域 {LOCALE}，控制台输出为 GBK（代码页 936）"

    def file_properties(self) -> str:
        product = version_string(self.setup, "ProductVersion")
        expect(product == __version__, f"安装程序的文件属性中产品版本为 {product!r}，应为 {__version__}")
        expect(version_string(self.setup, "ProductName") == APP_NAME, "安装程序的文件属性中没有产品名称")
        return f"{self.setup.name}：产品名称 {APP_NAME}，版本 {product}，{self.setup.stat().st_size / 2**20:.1f} MiB"

    def install_per_user(self) -> str:
        self.wine.run(self.setup, "/S")
        folder = self.wine.unix(self.per_user_dir)
        for name in (
            "kjjb.exe",
            "kjjb-console.exe",
            "uninstall.exe",
            "python/python311.dll",
            "app/main.py",
            "app/resources/fonts/wqy-microhei.ttc",
            "lib/PySide6/Qt6Core.dll",
        ):
            expect((folder / name).is_file(), f"安装后缺少 {self.per_user_dir}\\{name}")
        for exe in ("kjjb.exe", "kjjb-console.exe"):
            expect(version_string(folder / exe, "ProductVersion") == __version__, f"{exe} 的文件属性中没有版本")
        start_menu = self.wine.unix(f"{self.wine.profile}\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs")
        expect((start_menu / f"{APP_NAME}.lnk").is_file(), "开始菜单中没有快捷方式")
        expect((self.wine.unix(f"{self.wine.profile}\\Desktop") / f"{APP_NAME}.lnk").is_file(), "桌面上没有快捷方式")
        key = "HKCU\\" + UNINSTALL_KEY
        expect(self.wine.registry(key, "DisplayVersion") == __version__, f"{key} 中没有版本 {__version__}")
        uninstall = self.wine.registry(key, "UninstallString") or ""
        expect("/CurrentUser" in uninstall, f"卸载命令不对：{uninstall}")
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        return f"{self.per_user_dir}（{size / 2**20:.0f} MiB），开始菜单和桌面快捷方式，卸载信息（HKCU）"

    @property
    def console(self) -> str:
        return f"{self.per_user_dir}\\kjjb-console.exe"

    def selftest_headless(self) -> str:
        result = self.wine.run(self.console, "--selftest", "--headless")
        expect("自检通过（仅无界面部分）" in result.out and "[失败]" not in result.out, result.out)
        return result.out.strip().splitlines()[-1]

    def stand_in(self, dll: str, source: str, *libraries: str) -> None:
        """Build a check-only stand-in for a DLL Windows 10 has and Wine 8 lacks, into the prefix's System32."""
        work = self.wine.folder / "stand-ins"
        work.mkdir(exist_ok=True)
        subprocess.run(
            ["x86_64-w64-mingw32-gcc", "-shared", "-O2", "-s", "-o", work / dll, HERE / "windows" / source, *libraries],
            check=True,
        )
        shutil.copy2(work / dll, self.wine.unix("C:\\windows\\system32") / dll)

    def prng_stand_in(self) -> str:
        self.stand_in("bcryptprimitives.dll", "bcryptprimitives_stub.c", "-ladvapi32")
        return (
            "System32\\bcryptprimitives.dll：仅供检查的替身（Wine 8 没有 Windows 10 自带的 ProcessPrng；"
            "不随安装程序分发）"
        )

    def icu_stand_in(self) -> str:
        self.stand_in("icuuc.dll", "icuuc_stub.c")
        return "System32\\icuuc.dll：仅供检查的替身（Wine 8 没有 Windows 10 自带的 ICU；不随安装程序分发）"

    def selftest(self) -> str:
        result = self.wine.run(self.console, "--selftest")
        lines = result.out.strip().splitlines()
        expect(lines and lines[-1].startswith("自检通过：") and "[失败]" not in result.out, result.out + result.err)
        expect("随程序提供的中文字体：WenQuanYi Micro Hei" in result.out, "自检没有找到随程序提供的字体")
        return lines[-1]

    def batch(self) -> str:
        def kjjb(*args) -> str:
            return self.wine.run(self.console, *args).out

        got = batch_check.drive(kjjb, lambda name: f"{self.work}\\{name}", self.wine.unix(self.work))
        expect(self.wine.unix(self.data_dir + "\\kjjb.sqlite3").is_file(), f"数据库不在 {self.data_dir}")
        want = batch_check.reference(self.wine.folder / "linux")
        return batch_check.compare(got, want, "Windows 上") + f"；文件在 {self.work}，数据库在 {self.data_dir}"

    def window(self) -> str:
        if not shutil.which("Xvfb"):
            return "跳过：没有 Xvfb（apt-get install xvfb）"
        display = f":{90 + os.getpid() % 100}"
        xvfb = subprocess.Popen(
            ["Xvfb", display, "-screen", "0", "1366x768x24"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            time.sleep(1)
            data = f"{self.wine.profile}\\窗口检查"
            config = self.wine.unix(f"{self.wine.profile}\\autopilot.json")
            report = f"{self.wine.profile}\\autopilot-report.json"
            config.write_text(
                json.dumps(
                    {
                        "first_run": {
                            "issuer": "呼伦贝尔市科学技术局",
                            "code": "呼科发",
                            "clerk": "王敏",
                            "demo": True,
                        },
                        "report": report,
                    },
                    ensure_ascii=False,
                ),
                encoding="utf-8",
            )
            self.wine.env["KJJB_AUTOPILOT"] = f"{self.wine.profile}\\autopilot.json"
            try:
                self.wine.run(f"{self.per_user_dir}\\kjjb.exe", "--data-dir", data, display=display, timeout=180)
            finally:
                del self.wine.env["KJJB_AUTOPILOT"]
            path = self.wine.unix(report)
            expect(path.is_file(), "窗口程序退出时没有写报告")
            out = json.loads(path.read_text(encoding="utf-8"))
            expect(out["problems"] == [] and out["first_run_dialog"] is True, out)
            expect(out["title"] == f"{APP_NAME} {__version__}" and out["icon"] is True, out)
            expect(out["status"].startswith("已载入演示数据"), out)
            if self.screenshot:
                self.take_screenshot(display, data)
            return f"kjjb.exe 在 Windows 平台插件上走完首次运行对话框：{out['status']}；{len(out['pages'])}个页面"
        finally:
            xvfb.terminate()
            xvfb.wait()

    def take_screenshot(self, display: str, data: str) -> None:
        """The main window on the data the autopilot left (the 创建管理员 dialog is skipped with Esc)."""
        env = dict(self.wine.env, DISPLAY=display)
        program = subprocess.Popen(
            ["wine", f"{self.per_user_dir}\\kjjb.exe", "--data-dir", data],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            time.sleep(12)
            if shutil.which("xdotool"):
                subprocess.run(["xdotool", "key", "Escape"], env=env, check=False)
                time.sleep(10)
            subprocess.run(["import", "-window", "root", str(self.screenshot)], env=env, check=True)
        finally:
            self.wine.stop()
            program.kill()
            program.wait()

    def upgrade(self) -> str:
        folder = self.wine.unix(self.per_user_dir)
        stale = folder / "app" / "core" / "left_by_an_older_version.py"
        stale.write_text("raise SystemExit('old')\n", encoding="utf-8")
        database = self.wine.unix(self.data_dir + "\\kjjb.sqlite3")
        before = hashlib.sha256(database.read_bytes()).hexdigest()
        self.wine.run(self.setup, "/S")
        expect(not stale.exists(), "升级安装后旧版本的文件仍在")
        expect((folder / "kjjb.exe").is_file(), "升级安装后没有 kjjb.exe")
        expect(hashlib.sha256(database.read_bytes()).hexdigest() == before, "升级安装改动了数据库")
        batches = json.loads(self.wine.run(self.console, "batches", "--json").out)
        expect(batches and batches[0]["status"] == "approved", f"升级后批次不见了：{batches}")
        return f"同一文件夹就地升级：旧文件已清除，数据库未改动，批次{batches[0]['id']}仍为已审批"

    def uninstall(self) -> str:
        database = self.wine.unix(self.data_dir + "\\kjjb.sqlite3")
        before = hashlib.sha256(database.read_bytes()).hexdigest()
        files = sorted(
            p.relative_to(self.wine.unix(self.data_dir)).as_posix() for p in self.wine.unix(self.data_dir).rglob("*")
        )
        self.wine.run(f"{self.per_user_dir}\\uninstall.exe", "/S")
        expect(not self.wine.unix(self.per_user_dir).exists(), f"卸载后 {self.per_user_dir} 仍在")
        start_menu = self.wine.unix(f"{self.wine.profile}\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs")
        expect(not (start_menu / f"{APP_NAME}.lnk").exists(), "卸载后开始菜单快捷方式仍在")
        expect(
            not (self.wine.unix(f"{self.wine.profile}\\Desktop") / f"{APP_NAME}.lnk").exists(), "卸载后桌面快捷方式仍在"
        )
        expect(self.wine.registry("HKCU\\" + UNINSTALL_KEY, "DisplayVersion") is None, "卸载后卸载信息仍在")
        after = sorted(
            p.relative_to(self.wine.unix(self.data_dir)).as_posix() for p in self.wine.unix(self.data_dir).rglob("*")
        )
        expect(
            after == files and hashlib.sha256(database.read_bytes()).hexdigest() == before,
            f"卸载改动了数据文件夹 {self.data_dir}",
        )
        return f"程序、快捷方式和卸载信息已删除；{self.data_dir} 原样保留（{len(files)}个文件，含 kjjb.sqlite3）"

    def all_users(self) -> str:
        folder = "C:\\Program Files\\" + APP_NAME
        self.wine.run(self.setup, "/S", "/AllUsers")
        expect(self.wine.unix(folder + "\\kjjb-console.exe").is_file(), f"全部用户安装后 {folder} 中没有程序")
        expect(self.wine.registry("HKLM\\" + UNINSTALL_KEY, "DisplayVersion") == __version__, "HKLM 中没有卸载信息")
        common = self.wine.unix("C:\\ProgramData\\Microsoft\\Windows\\Start Menu\\Programs")
        expect((common / f"{APP_NAME}.lnk").is_file(), "全部用户的开始菜单中没有快捷方式")
        batches = json.loads(self.wine.run(folder + "\\kjjb-console.exe", "batches", "--json").out)
        expect(batches and batches[0]["status"] == "approved", "全部用户安装的程序没有找到本人的数据")
        self.wine.run(folder + "\\uninstall.exe", "/S", "/AllUsers")
        expect(not self.wine.unix(folder).exists(), f"卸载后 {folder} 仍在")
        expect(self.wine.registry("HKLM\\" + UNINSTALL_KEY, "DisplayVersion") is None, "卸载后 HKLM 中的卸载信息仍在")
        return f"{folder}，公共开始菜单，卸载信息（HKLM），读到本人的数据；卸载后全部删除"

    def run(self) -> None:
        self.step("Wine 前缀（中文代码页）", self.prefix)
        self.step("安装程序的文件属性", self.file_properties)
        self.step("静默安装（当前用户，/S）", self.install_per_user)
        self.step("ProcessPrng 替身", self.prng_stand_in)
        self.step("自检，仅无界面部分", self.selftest_headless)
        self.step("ICU 替身", self.icu_stand_in)
        self.step("完整自检（含 Qt，offscreen）", self.selftest)
        self.step("命令行批次（Windows 路径、中文文件夹）", self.batch)
        self.step("窗口程序（Xvfb）", self.window)
        self.step("就地升级", self.upgrade)
        self.step("静默卸载（保留数据）", self.uninstall)
        self.step("全部用户安装与卸载（/AllUsers）", self.all_users)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="在 Wine 中检查 Windows 安装程序")
    parser.add_argument("setup", nargs="?", default=str(ROOT / "dist" / f"kjjb-setup-{__version__}.exe"))
    parser.add_argument("--keep", action="store_true", help="保留 Wine 前缀（默认检查后删除）")
    parser.add_argument(
        "--screenshot", help="把 Wine 中的主窗口截图保存到此 PNG 文件（需要 Xvfb、xdotool、ImageMagick）"
    )
    args = parser.parse_args(argv)
    setup = Path(args.setup).resolve()
    if not setup.is_file():
        print(f"找不到安装程序 {setup}：请先运行 python3 dev.py windows", file=sys.stderr)
        return 1
    if not shutil.which("wine"):
        print("没有 Wine（Debian：apt-get install wine wine64）", file=sys.stderr)
        return 1
    folder = Path(tempfile.mkdtemp(prefix="kjjb-wine-"))
    check = Check(setup, folder, Path(args.screenshot).resolve() if args.screenshot else None)
    started = time.perf_counter()
    try:
        check.run()
    except (CheckFailed, batch_check.BatchFailed, subprocess.SubprocessError, OSError) as exc:
        print(f"Windows 安装程序检查不通过：{exc}", file=sys.stderr)
        print(f"windows: {len(check.times)} passed, 1 failed")
        return 1
    finally:
        check.wine.stop()
        if args.keep:
            print(f"Wine 前缀保留在 {check.wine.prefix}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"Windows 安装程序检查通过：{len(check.times)}步，用时{time.perf_counter() - started:.0f}秒")
    print(f"windows: {len(check.times)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
