"""Fonts for the interface: Chinese must render as Chinese on every machine.

Office PCs in China have Microsoft YaHei UI; a bare Linux box or a trimmed Windows image
may have no CJK font at all, and Qt then draws boxes. So the bundled Noto Sans SC
(OFL, resources/fonts) is registered with the application, and becomes the application
font unless the system UI font already covers Simplified Chinese. Registering is cheap
(Qt reads the file lazily), so it does not cost start-up time.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop.font_files import font_path

BUNDLED = ("NotoSansSC_400Regular.ttf", "NotoSansSC_700Bold.ttf")
BUNDLED_FAMILY = "Noto Sans SC"
WINDOWS_UI = "Microsoft YaHei UI"

_registered: list[str] = []


def register_bundled() -> list[str]:
    """Register the bundled TTFs once; returns their family names."""
    if _registered:
        return _registered
    for name in BUNDLED:
        font_id = QFontDatabase.addApplicationFont(str(font_path(name)))
        if font_id >= 0:
            for family in QFontDatabase.applicationFontFamilies(font_id):
                if family not in _registered:
                    _registered.append(family)
    return _registered


def has_chinese(family: str) -> bool:
    return QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)


def choose_family(system_family: str) -> str:
    """The family the interface uses: the system's when it covers Chinese."""
    families = set(QFontDatabase.families())
    if sys.platform == "win32" and WINDOWS_UI in families:
        return WINDOWS_UI
    if has_chinese(system_family):
        return system_family
    return BUNDLED_FAMILY if BUNDLED_FAMILY in families else system_family


def apply(app: QApplication) -> str:
    """Register the bundled fonts and set the application font; returns the family used."""
    register_bundled()
    font = QFont(app.font())
    family = choose_family(font.family())
    if family != font.family():
        font.setFamilies([family, *font.families()])
        app.setFont(font)
    return family
