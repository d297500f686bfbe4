; Inno Setup 6 script: the Windows installer of 科技创新奖补计算器.
;
; On a Windows PC with Python 3.11 and Inno Setup 6:
;     py dev.py bundle --selftest          (builds dist\kjjb and writes installer\version.iss)
;     "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\kjjb.iss
; The installer is written to dist\kjjb-setup-<version>.exe.
;
; The program goes to Program Files (or, for a clerk without administrator
; rights who chooses "只为我安装", to %LOCALAPPDATA%\Programs). The clerk's
; data - database, backups, logs, settings - lives in %LOCALAPPDATA%\kjjb,
; which this installer never writes and its uninstaller never deletes, so an
; upgrade or a reinstall finds the data where it was (the program backs the
; database up and migrates it on the first start of a newer version).

#if FileExists(AddBackslash(SourcePath) + "version.iss")
  #include "version.iss"
#else
  #error 缺少 installer\version.iss：请先运行 py dev.py bundle 生成程序文件夹（它同时写入版本号）
#endif
#if !DirExists(AddBackslash(SourcePath) + BundleDir)
  #error 缺少程序文件夹 dist\kjjb：请先运行 py dev.py bundle
#endif

[Setup]
; AppId identifies the program across versions: never change it, or upgrades install side by side.
AppId={{7F20ECA1-D44E-42E5-8918-E8ED5E39B8F5}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersionNumeric}
VersionInfoDescription={#AppName}安装程序
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
OutputDir=..\dist
OutputBaseFilename=kjjb-setup-{#AppVersion}
SetupIconFile=..\resources\icons\kjjb.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Qt 6 runs on 64-bit Windows 10 and later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=no

[Languages]
; Inno Setup's Chinese (Simplified) messages: in newer releases under compiler:Languages; for older ones
; put ChineseSimplified.isl from the Inno Setup translations beside this script.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "ChineseSimplified.isl"
#else
  #pragma message "ChineseSimplified.isl not found: the installer's own buttons will be in English"
Name: "english"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
DesktopIcon=在桌面上创建快捷方式
Shortcuts=快捷方式：
Launch=启动{#AppName}
DataKept=已卸载{#AppName}。%n%n您的数据（数据库、自动备份、日志和设置）仍保留在：%n%1%n%n重新安装后会继续使用这些数据。如确定不再需要，可手动删除该文件夹。

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; GroupDescription: "{cm:Shortcuts}"

[InstallDelete]
; The previous version's program files go first, so nothing of it (an old migration script, say) is left behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:Launch}"; Flags: nowait postinstall skipifsilent

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  { The data folder is the program's (core/paths.py user_data_dir), not the installer's: it is left alone. }
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{localappdata}\kjjb')]), mbInformation, MB_OK);
end;
