/* kjjb.exe / kjjb-console.exe: start the program on the Python installed beside it.
 *
 * The installed folder holds python\ (the Windows embeddable CPython, whose
 * python311._pth puts ..\lib and ..\app on sys.path), lib\ (the dependencies)
 * and app\ (main.py, core, gui, resources). This launcher loads
 * python\python3XX.dll into its own process and hands Py_Main the command
 * line "<this exe> -I app\main.py <arguments>", so the window and the task
 * manager show kjjb.exe with its icon, and the exit code is the program's.
 *
 * Built twice by installer/windows_build.py with mingw-w64: with -mwindows and
 * -DKJJB_WINDOWED for kjjb.exe (no console; errors in a message box), and as a
 * console program for kjjb-console.exe (the headless commands, --selftest).
 * PYTHON_DLL names the DLL (e.g. L"python311.dll").
 */
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#ifndef PYTHON_DLL
#error "define PYTHON_DLL, e.g. -DPYTHON_DLL=L\"python311.dll\""
#endif

typedef int (*py_main_fn)(int, wchar_t **);

static int fail(const wchar_t *what, const wchar_t *path)
{
    wchar_t text[4096];
    _snwprintf(text, 4096, L"%ls：\n%ls\n\n程序文件不完整，请重新安装科技创新奖补计算器。", what, path);
    text[4095] = L'\0';
#ifdef KJJB_WINDOWED
    MessageBoxW(NULL, text, L"科技创新奖补计算器", MB_OK | MB_ICONERROR);
#else
    DWORD written;
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    if (err != NULL && err != INVALID_HANDLE_VALUE && GetFileType(err) == FILE_TYPE_CHAR) {
        WriteConsoleW(err, text, (DWORD)wcslen(text), &written, NULL);
        WriteConsoleW(err, L"\n", 1, &written, NULL);
    } else {
        char utf8[16384];
        int n = WideCharToMultiByte(CP_UTF8, 0, text, -1, utf8, sizeof utf8, NULL, NULL);
        if (n > 0)
            fprintf(stderr, "%s\n", utf8);
    }
#endif
    return 9009;
}

static wchar_t *joined(const wchar_t *dir, const wchar_t *name)
{
    size_t n = wcslen(dir) + wcslen(name) + 2;
    wchar_t *out = malloc(n * sizeof(wchar_t));
    if (out != NULL)
        _snwprintf(out, n, L"%ls\\%ls", dir, name);
    return out;
}

static int run(void)
{
    static wchar_t dir[32768];
    DWORD n = GetModuleFileNameW(NULL, dir, 32768);
    if (n == 0 || n >= 32768)
        return fail(L"无法确定程序所在的文件夹", L"");
    wchar_t *slash = wcsrchr(dir, L'\\');
    if (slash == NULL)
        return fail(L"无法确定程序所在的文件夹", dir);
    *slash = L'\0';

    wchar_t *python_dir = joined(dir, L"python");
    wchar_t *dll_path = python_dir ? joined(python_dir, PYTHON_DLL) : NULL;
    wchar_t *script = joined(dir, L"app\\main.py");
    if (dll_path == NULL || script == NULL)
        return fail(L"内存不足", L"");
    if (GetFileAttributesW(script) == INVALID_FILE_ATTRIBUTES)
        return fail(L"缺少程序文件", script);

    /* The DLL's own folder is searched for what it needs (vcruntime140.dll). */
    HMODULE python = LoadLibraryExW(dll_path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    if (python == NULL)
        return fail(L"无法载入 Python", dll_path);
    py_main_fn py_main = (py_main_fn)(void *)GetProcAddress(python, "Py_Main");
    if (py_main == NULL)
        return fail(L"Python 中找不到 Py_Main", dll_path);

    int argc = 0;
    wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    if (argv == NULL || argc < 1)
        return fail(L"无法读取命令行", GetCommandLineW());
    wchar_t **args = calloc((size_t)argc + 3, sizeof(wchar_t *));
    if (args == NULL)
        return fail(L"内存不足", L"");
    int k = 0;
    args[k++] = argv[0];
    args[k++] = L"-I"; /* no PYTHON* variables, no user site: only what was installed */
    args[k++] = script;
    for (int i = 1; i < argc; i++)
        args[k++] = argv[i];
    args[k] = NULL;
    return py_main(k, args);
}

#ifdef KJJB_WINDOWED
int WINAPI wWinMain(HINSTANCE instance, HINSTANCE previous, PWSTR command_line, int show)
{
    (void)instance; (void)previous; (void)command_line; (void)show;
    return run();
}
#else
int wmain(void)
{
    return run();
}
#endif
