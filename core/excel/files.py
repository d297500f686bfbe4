"""Writing a workbook so that no half-written file ever sits under the final name."""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
import tempfile
import zipfile
from pathlib import Path


class ExportError(ValueError):
    """A workbook that cannot be written; the message is for a clerk."""


def save_workbook(wb, path, *, fixed_time: dt.datetime | None = None, streamed=()) -> Path:
    """Save ``wb`` to a temporary file beside ``path``, then rename it into place.

    With ``fixed_time`` the file's timestamps are set to it, so the same
    workbook gives the same bytes (for generated files kept in git).
    ``streamed`` are :class:`~core.excel.writer.StreamRows` whose rows go into
    their (empty) sheets as the file is finished.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"文件夹不存在：{folder}")
    if path.is_dir():
        raise ExportError(f"“{path}”是文件夹，请给出要保存的文件名")
    _remove_stale_temporaries(folder, path.stem)
    fd, tmp_name = tempfile.mkstemp(prefix=f".~{path.stem}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if fixed_time is not None:
            wb.properties.creator = "科技创新奖补计算器"
            wb.properties.created = fixed_time
        wb.save(tmp)
        if fixed_time is not None or streamed:
            _finish(tmp, fixed_time, streamed)
        tmp.chmod(path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        try:
            os.replace(tmp, path)
        except PermissionError:
            raise ExportError(f"无法写入“{path.name}”：文件可能正在Excel或WPS中打开，请关闭后重试") from None
    except OSError as exc:
        raise ExportError(f"无法保存“{path.name}”：{exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


STALE_AFTER = dt.timedelta(minutes=10)


def _remove_stale_temporaries(folder: Path, stem: str) -> None:
    """Temporary files an earlier, killed export of the same file left behind."""
    cutoff = dt.datetime.now().timestamp() - STALE_AFTER.total_seconds()
    for old in folder.glob(f".~{glob.escape(stem)}.*.tmp"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
# zlib's level for a workbook with streamed sheets (the exports). Its default (6) took a quarter of writing the
# results workbook of 10,000 companies (0.30 s for 43 MB of sheet XML); level 3 takes 0.12 s and the file grows
# from 2.5 to 3.2 MB (资金拨付明细表 1.0 to 1.3 MB, 公示名单 0.7 to 0.8 MB). Any level is the same deflate every
# spreadsheet reads. A workbook kept in git (``fixed_time``, not streamed) keeps the default, and its bytes.
STREAMED_LEVEL = 3


def _finish(file: Path, when: dt.datetime | None, streamed) -> None:
    """Rewrite the zip openpyxl saved: streamed sheets get their rows, timestamps become ``when``."""
    sheets = {rows.ws.path.lstrip("/"): rows for rows in streamed}
    with zipfile.ZipFile(file) as zin:
        parts = [(info, zin.read(info)) for info in zin.infolist()]
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode() if when is not None else b""
    level = STREAMED_LEVEL if streamed else None
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
        for old, data in parts:
            name = old.filename
            if when is not None:
                if name == "docProps/core.xml":
                    data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
                info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
                info.external_attr = 0o600 << 16
            else:
                info = zipfile.ZipInfo(name, date_time=old.date_time)
                info.external_attr = old.external_attr
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = level  # type: ignore[attr-defined]  # a ZipInfo keeps its own level, not the zip's
            rows = sheets.get(name)
            if rows is None:
                zout.writestr(info, data)
            else:
                with zout.open(info, "w") as out:
                    rows.splice(data, out)
