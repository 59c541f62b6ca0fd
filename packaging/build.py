#!/usr/bin/env python3
"""Build the PyInstaller onedir bundle: dist/qreport/qreport (qreport.exe on Windows).

    python packaging/build.py [--clean]

Onedir, not onefile: onefile unpacks itself on every start (1.8–2.1 s) and upsets
antivirus software (see NOTES). Qt modules qreport does not use are excluded, and the
libraries and plugins they would drag in are dropped after the build, so the bundle stays
small and starts as fast as the source.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
BUILD = ROOT / "build"
NAME = "qreport"

# Python modules never needed at run time (test tools, other GUI toolkits, big extras).
EXCLUDES = [
    "tkinter", "unittest", "pydoc", "doctest", "pytest", "hypothesis", "IPython",
    # (QtNetwork stays: a second start finds the open window through a local socket)
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2", "PySide6.QtSql", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
    "PySide6.QtDBus", "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtTest",
    "PySide6.QtUiTools", "PySide6.QtXml", "PySide6.QtSvg", "PySide6.QtSvgWidgets",
    "PySide6.QtConcurrent", "PySide6.QtPrintSupport",
    "numpy", "pandas", "matplotlib",
    # Word in and out needs python-docx and lxml.etree; lxml's other parts are never used
    "lxml.objectify", "lxml.html", "lxml.isoschematron", "lxml.sax", "lxml.cssselect",
    # no network: without _ssl/_hashlib the OpenSSL libraries stay out (hashlib falls back
    # to its built-in SHA-256, which is all the backups' folder names need)
    "ssl", "_ssl", "_hashlib",
    "PIL._avif", "PIL.AvifImagePlugin",
]
# Shared libraries and plugin folders the excluded modules leave behind in the bundle.
DROP_GLOBS = [
    "**/libQt6Qml*", "**/libQt6Quick*", "**/libQt6Pdf*",
    "**/libQt6VirtualKeyboard*", "**/libQt6Sql*", "**/libQt6Designer*", "**/libQt6Test*",
    "**/Qt6Qml*.dll", "**/Qt6Quick*.dll", "**/Qt6Pdf*.dll",
    "**/PySide6/Qt/translations/qtwebengine*", "**/PySide6/Qt/qml",
    "**/plugins/qmltooling", "**/plugins/networkinformation", "**/plugins/tls",
    "**/plugins/sqldrivers", "**/plugins/virtualkeyboard", "**/plugins/designer",
    "**/plugins/generic", "**/plugins/position", "**/plugins/sensors",
    # X11 (xcb) runs everywhere, on Wayland desktops through XWayland; offscreen for tests
    "**/plugins/wayland-*", "**/plugins/platforms/libqwayland*", "**/libQt6WaylandClient*",
    "**/libQt6WlShellIntegration*", "**/plugins/platforms/libqeglfs*",
    "**/plugins/platforms/libqminimalegl*", "**/plugins/platforms/libqvnc*",
    "**/plugins/platforms/libqlinuxfb*", "**/plugins/egldeviceintegrations",
    "**/libQt6EglFs*", "**/pillow.libs/libavif*",
    # the GTK theme plugin and the drawing libraries only it loads (Qt's own style is used)
    "**/plugins/platformthemes/libqgtk3*", "**/libcairo*", "**/libpango*", "**/libpixman*",
    "**/libgdk_pixbuf*", "**/libatk*", "**/libfribidi*", "**/libgraphite2*", "**/libdatrie*",
    "**/libthai*", "**/libgtk-3*", "**/libgdk-3*",
    # OpenSSL: its Python modules are excluded above and Qt's TLS plugin is dropped, so nothing
    # loads these; PyInstaller still collects them wherever the system has them
    "**/libssl.so*", "**/libcrypto.so*",
]


def build(clean: bool = False) -> Path:
    import PyInstaller.__main__

    sys.path.insert(0, str(ROOT))  # pack_fonts uses the package's own constant

    if clean:
        shutil.rmtree(BUILD, ignore_errors=True)
        shutil.rmtree(DIST / NAME, ignore_errors=True)
    sep = ";" if sys.platform == "win32" else ":"
    args = [
        str(ROOT / "packaging" / "qreport_entry.py"),
        "--name", NAME,
        "--onedir",
        "--noconfirm",
        "--log-level", "WARN",
        "--distpath", str(DIST),
        "--workpath", str(BUILD),
        "--specpath", str(BUILD),
        "--paths", str(ROOT),
        # the resources package: templates, the sample, fonts (read via importlib.resources)
        "--add-data", f"{ROOT / 'resources'}{sep}resources",
        "--hidden-import", "resources",
        "--hidden-import", "desktop.ui.app",
        "--additional-hooks-dir", str(ROOT / "packaging" / "hooks"),  # python-docx's templates
        "--hidden-import", "_rl_accel",  # reportlab imports its C helpers through exec(): unseen
        "--collect-submodules", "desktop",
        "--collect-submodules", "db",
        "--collect-submodules", "reportlab.graphics.barcode",
        "--copy-metadata", "sqlite-utils",
    ]
    icon = ROOT / "resources" / "icons" / ("qreport.ico" if sys.platform == "win32" else "qreport.png")
    if icon.exists():
        args += ["--icon", str(icon)]
    if sys.platform != "win32":
        args += ["--strip"]  # debug symbols: half the size of libpython and the Qt libraries
    if sys.platform == "win32":
        args += ["--windowed"]  # no console window; the CLI still prints when started from one
    for module in EXCLUDES:
        args += ["--exclude-module", module]
    PyInstaller.__main__.run(args)
    out = DIST / NAME
    for pattern in DROP_GLOBS:
        for path in out.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
    # Qt's own translations: only Chinese is shown (standard dialogs' buttons and messages).
    for qm in out.glob("**/PySide6/Qt/translations/*.qm"):
        if "zh_CN" not in qm.name:
            qm.unlink()
    pack_fonts(out)
    return out


def pack_fonts(out: Path) -> None:
    """Ship the CJK fonts xz-compressed (35 → 16 MB); desktop/font_files.py unpacks each
    into the user data folder the first time it is needed."""
    import lzma

    from desktop.font_files import PACKED_SUFFIX

    for ttf in out.glob("**/resources/fonts/*.ttf"):
        packed = ttf.with_name(ttf.name + PACKED_SUFFIX)
        with ttf.open("rb") as src, lzma.open(packed, "wb", preset=6) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        ttf.unlink()


def size_mb(folder: Path) -> float:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1024 / 1024


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="remove earlier build output first")
    folder = build(parser.parse_args().clean)
    print(f"built {folder} ({size_mb(folder):.0f} MB)")
