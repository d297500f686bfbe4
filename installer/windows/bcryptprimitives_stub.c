/* A stand-in for Windows' bcryptprimitives.dll, for checking the installed program under Wine only.
 *
 * Windows 10 and later carry bcryptprimitives.dll in System32; programs built with
 * Rust 1.78 or later (python-calamine's extension module) import ProcessPrng from it
 * for their random numbers. Wine 8 has no such DLL, so the module cannot load there.
 * installer/windows_check.py puts this stub into the test prefix's System32 - it is
 * never shipped. ProcessPrng is answered by RtlGenRandom (advapi32's SystemFunction036),
 * which Wine has.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
