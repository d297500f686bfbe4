; NSIS script: the Windows installer of 科技创新奖补计算器, built on Linux by installer/windows_build.py
; (python3 dev.py windows), which passes VERSION, VERSION4, STAGE (the folder to install), OUTFILE, ICON
; and SIZE_KB with -D. Output: dist/kjjb-setup-<version>.exe, a 64-bit Unicode installer in Chinese.
;
; Per-user by default (%LOCALAPPDATA%\Programs\科技创新奖补计算器, no administrator rights); an
; administrator may choose all users (Program Files) on the first page or with /AllUsers. An upgrade finds
; the earlier install (same mode, same folder) and replaces the program files. The clerk's data -
; database, backups, logs, settings - lives in %LOCALAPPDATA%\kjjb (core/paths.py), which this installer
; never writes and its uninstaller never deletes.
;
; Silent: kjjb-setup-<version>.exe /S [/AllUsers] [/D=folder]; uninstall.exe /S.

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
SetCompressorDictSize 32
ManifestDPIAware true

!define APPNAME "科技创新奖补计算器"
!define APPKEY "kjjb"  ; registry and shortcut identity: never change it, or upgrades install side by side
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPKEY}"
!define SETTINGSKEY "Software\${APPKEY}"

Name "${APPNAME}"
OutFile "${OUTFILE}"
BrandingText "${APPNAME} ${VERSION}"

!define MULTIUSER_EXECUTIONLEVEL Highest
!define MULTIUSER_INSTALLMODE_DEFAULT_CURRENTUSER
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_INSTALLMODE_INSTDIR "${APPNAME}"
!define MULTIUSER_USE_PROGRAMFILES64
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${SETTINGSKEY}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallDir"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "${SETTINGSKEY}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_VALUENAME "InstallMode"
!define MULTIUSER_MUI
!include MultiUser.nsh
!include MUI2.nsh
!include FileFunc.nsh
!include LogicLib.nsh
!include x64.nsh

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=2052 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APPNAME} ${VERSION} 安装程序"
VIAddVersionKey /LANG=2052 "CompanyName" "${APPNAME}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "${APPNAME}"

!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\kjjb.exe"
!define MUI_FINISHPAGE_RUN_TEXT "启动${APPNAME}"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!define MUI_FINISHPAGE_TITLE "已卸载${APPNAME}"
!define MUI_FINISHPAGE_TEXT "程序已从本机删除。$\r$\n$\r$\n您的数据（数据库、自动备份、日志和设置）仍保留在 $LOCALAPPDATA\kjjb，重新安装后会继续使用。如确定不再需要，可手动删除该文件夹。"
!insertmacro MUI_UNPAGE_FINISH

!insertmacro MUI_LANGUAGE "SimpChinese"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "${APPNAME}需要64位的 Windows 10 或更新版本。"
    Abort
  ${EndIf}
  !insertmacro MULTIUSER_INIT
FunctionEnd

Function un.onInit
  !insertmacro MULTIUSER_UNINIT
FunctionEnd

!macro REMOVE_PROGRAM_FILES
  ; Only what the installer put there: the data folder (%LOCALAPPDATA%\kjjb) is never named here.
  RMDir /r "$INSTDIR\python"
  RMDir /r "$INSTDIR\lib"
  RMDir /r "$INSTDIR\app"
  Delete "$INSTDIR\kjjb.exe"
  Delete "$INSTDIR\kjjb-console.exe"
!macroend

Section "${APPNAME}（必需）" SecProgram
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the program files whole, so nothing of the old version (a migration script,
  ; a library) is left behind.
  !insertmacro REMOVE_PROGRAM_FILES
  File /r "${STAGE}/*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\kjjb.exe" "" "$INSTDIR\kjjb.exe" 0

  WriteRegStr SHCTX "${SETTINGSKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr SHCTX "${SETTINGSKEY}" "InstallMode" "$MultiUser.InstallMode"
  WriteRegStr SHCTX "${SETTINGSKEY}" "Version" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTKEY}" "Publisher" "${APPNAME}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\kjjb.exe,0"
  WriteRegStr SHCTX "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode'
  WriteRegStr SHCTX "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode /S'
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoRepair" 1
  WriteRegDWORD SHCTX "${UNINSTKEY}" "EstimatedSize" ${SIZE_KB}
SectionEnd

Section "桌面快捷方式" SecDesktop
  CreateShortCut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\kjjb.exe" "" "$INSTDIR\kjjb.exe" 0
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecProgram} "程序本身（含 Python 运行环境和中文字体）。"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "在桌面上创建${APPNAME}的快捷方式。"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Section "Uninstall"
  !insertmacro REMOVE_PROGRAM_FILES
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"  ; only when empty: anything the clerk put there stays
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
  DeleteRegKey SHCTX "${UNINSTKEY}"
  DeleteRegKey SHCTX "${SETTINGSKEY}"
SectionEnd
