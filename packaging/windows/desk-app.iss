; Inno Setup script of the Windows installer: wraps the one-folder bundle that
; `pyinstaller packaging\desk-app.spec` leaves in dist\desk-app\ (see packaging\README.md).
; Build: "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\desk-app.iss
; Output: dist\installer\desk-app-setup-<version>.exe

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define BundleDir "..\..\dist\desk-app"

[Setup]
; A fixed id: upgrades replace the previous version instead of installing beside it.
AppId={{6F1C2B0E-3A51-4C8B-9E57-2D4F0B7A9C31}
AppName=Confirmation Desk
AppVerName=Confirmation Desk {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=Confirmation Desk
DefaultDirName={autopf}\Confirmation Desk
DefaultGroupName=Confirmation Desk
; Program files for all users (administrator installs once per counter PC); each clerk's
; settings, database, keys and logs stay in their own profile (platformdirs), never here.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist\installer
OutputBaseFilename=desk-app-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\desk-app-gui.exe
; Chinese first: the counter's own language; English available.
ShowLanguageDialog=auto

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole bundle, as built: the executables and _internal\ (Python, Qt, models, translations).
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Confirmation Desk"; Filename: "{app}\desk-app-gui.exe"
Name: "{group}\Confirmation Desk (support file)"; Filename: "{app}\desk-app.exe"; \
  Parameters: "diagnose --out ""{userdesktop}\desk-app-support.zip"""
Name: "{group}\{cm:UninstallProgram,Confirmation Desk}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Confirmation Desk"; Filename: "{app}\desk-app-gui.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\desk-app-gui.exe"; Description: "{cm:LaunchProgram,Confirmation Desk}"; \
  Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself may leave in its folder; users' data is never removed here.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
