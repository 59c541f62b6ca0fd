; Inno Setup script for the Windows installer of qreport.
; Build the bundle first on Windows:  python packaging\build.py --clean
; then compile this script:           iscc packaging\qreport.iss
; Output: dist\qreport-setup-<version>.exe
;
; The uninstaller removes only what this installer put in the program folder: users'
; report files (*.qreport), their backups and settings under %APPDATA% / %LOCALAPPDATA%
; are never touched.

#define AppName "qreport 质量年度报告"
#define AppVersion "0.1.0"
#define AppExe "qreport.exe"

[Setup]
AppId={{6E1C9B0A-4F2D-4C59-9A3E-2F6B8D7C1A20}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=qreport
DefaultDirName={autopf}\qreport
DefaultGroupName=qreport
OutputDir=..\dist
OutputBaseFilename=qreport-setup-{#AppVersion}
SetupIconFile=..\resources\icons\qreport.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Qt 6 needs Windows 10 1809 or later
MinVersion=10.0.17763
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes
ShowLanguageDialog=no

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "创建桌面快捷方式"; GroupDescription: "附加图标："
Name: "associate"; Description: "用 qreport 打开 .qreport 报告文件"; GroupDescription: "文件关联："

[Files]
Source: "..\dist\qreport\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\qreport 质量年度报告"; Filename: "{app}\{#AppExe}"
Name: "{group}\卸载 qreport"; Filename: "{uninstallexe}"
Name: "{autodesktop}\qreport 质量年度报告"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
Root: HKA; Subkey: "Software\Classes\.qreport"; ValueType: string; ValueName: ""; ValueData: "qreport.Report"; Flags: uninsdeletevalue; Tasks: associate
Root: HKA; Subkey: "Software\Classes\qreport.Report"; ValueType: string; ValueName: ""; ValueData: "质量年度报告"; Flags: uninsdeletekey; Tasks: associate
Root: HKA; Subkey: "Software\Classes\qreport.Report\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"; Tasks: associate
Root: HKA; Subkey: "Software\Classes\qreport.Report\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" gui ""%1"""; Tasks: associate

[Run]
Filename: "{app}\{#AppExe}"; Description: "启动 qreport"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; only the program folder's own leftovers (PyInstaller writes none); user data is kept
Type: dirifempty; Name: "{app}"
