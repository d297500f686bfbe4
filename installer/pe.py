"""Read a Windows PE file's imports, so the Windows build can keep exactly the DLLs its modules load.

Only the import directory is read (the DLL names a module needs at load time);
the build uses it to drop the Qt and media DLLs no kept module needs, and to
fail when a kept module needs a DLL that neither the install nor Windows has.
"""

from __future__ import annotations

import struct
from pathlib import Path

# DLLs every 64-bit Windows 10 has (and Wine provides); anything else a module imports must be installed.
SYSTEM_DLLS = frozenset(
    name.lower()
    for name in (
        "advapi32.dll",
        "authz.dll",
        "bcrypt.dll",
        "cfgmgr32.dll",
        "comctl32.dll",
        "comdlg32.dll",
        "crypt32.dll",
        "d3d11.dll",
        "d3d12.dll",
        "d3d9.dll",
        "dcomp.dll",
        "dwmapi.dll",
        "dwrite.dll",
        "dxgi.dll",
        "dxva2.dll",
        "gdi32.dll",
        "gdiplus.dll",
        "imm32.dll",
        "iphlpapi.dll",
        "kernel32.dll",
        "mpr.dll",
        "msimg32.dll",
        "msvcrt.dll",
        "ncrypt.dll",
        "netapi32.dll",
        "ntdll.dll",
        "ole32.dll",
        "oleacc.dll",
        "oleaut32.dll",
        "opengl32.dll",
        "propsys.dll",
        "rpcrt4.dll",
        "secur32.dll",
        "setupapi.dll",
        "shcore.dll",
        "shell32.dll",
        "shlwapi.dll",
        "user32.dll",
        "userenv.dll",
        "uxtheme.dll",
        "version.dll",
        "winhttp.dll",
        "wininet.dll",
        "winmm.dll",
        "winspool.drv",
        "wintrust.dll",
        "wldap32.dll",
        "ws2_32.dll",
        "wtsapi32.dll",
        "cabinet.dll",
        "msi.dll",
        "rstrtmgr.dll",
        "dnsapi.dll",
        "credui.dll",
        "normaliz.dll",
        "psapi.dll",
        "powrprof.dll",
        "d2d1.dll",
        "ntdsapi.dll",
        "mf.dll",
        "mfplat.dll",
        "mfreadwrite.dll",
        "ws2help.dll",
        # Windows 10 1703+ carries ICU as icuuc.dll/icuin.dll (Qt 6 uses it; Wine does not have it).
        "icuuc.dll",
        "icuin.dll",
        "icu.dll",
        "uiautomationcore.dll",
        "dwmapi.dll",
        "winspool.drv",
        # Windows 10 carries bcryptprimitives.dll (ProcessPrng; Rust 1.78+ modules such as python-calamine's use it).
        "bcryptprimitives.dll",
    )
)


def is_system_dll(name: str) -> bool:
    lower = name.lower()
    return lower in SYSTEM_DLLS or lower.startswith(("api-ms-win-", "ext-ms-win-"))


class PEError(ValueError):
    pass


def _sections(data: bytes, pe: int) -> list[tuple[int, int, int]]:
    count = struct.unpack_from("<H", data, pe + 6)[0]
    optional_size = struct.unpack_from("<H", data, pe + 20)[0]
    table = pe + 24 + optional_size
    out = []
    for i in range(count):
        vsize, vaddr, raw_size, raw_ptr = struct.unpack_from("<IIII", data, table + 40 * i + 8)
        out.append((vaddr, max(vsize, raw_size), raw_ptr))
    return out


def _offset(sections, rva: int) -> int:
    for vaddr, size, raw in sections:
        if vaddr <= rva < vaddr + size:
            return rva - vaddr + raw
    raise PEError(f"RVA {rva:#x} lies in no section")


def _cstring(data: bytes, at: int) -> str:
    end = data.index(b"\0", at)
    return data[at:end].decode("ascii")


def imports(path: Path) -> list[str]:
    """The DLL names ``path`` imports (ordinary and delay-loaded), in table order."""
    data = Path(path).read_bytes()
    if data[:2] != b"MZ":
        raise PEError(f"{path} is not a PE file")
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe : pe + 4] != b"PE\0\0":
        raise PEError(f"{path} is not a PE file")
    optional = pe + 24
    magic = struct.unpack_from("<H", data, optional)[0]
    directories = optional + (96 if magic == 0x10B else 112)
    sections = _sections(data, pe)
    names = []
    for index, entry_size, name_at in ((1, 20, 12), (13, 32, 4)):  # import table; delay-load import table
        rva, size = struct.unpack_from("<II", data, directories + 8 * index)
        if not rva:
            continue
        at = _offset(sections, rva)
        while True:
            entry = data[at : at + entry_size]
            if len(entry) < entry_size or not any(entry):
                break
            name_rva = struct.unpack_from("<I", entry, name_at)[0]
            if name_rva:
                names.append(_cstring(data, _offset(sections, name_rva)))
            at += entry_size
    return names
