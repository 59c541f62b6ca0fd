"""Imports openpyxl as if Pillow were not installed, when nothing has loaded Pillow yet.

openpyxl imports Pillow (about 10 ms of CPU, a tenth of its own import) only to place pictures
in a workbook and to decode the pictures of a workbook it loads. Our Excel code does neither:
the export writes no picture, reading takes cell values only, and the bureau's own form is
filled in its XML with every other part, pictures included, copied byte for byte
(`xlsx_fill`). Without Pillow openpyxl skips a loaded workbook's pictures instead of decoding
them, which also keeps untrusted images away from an image decoder. A Pillow-less openpyxl is
a configuration openpyxl supports (Pillow is an optional dependency of it).

Import this module before openpyxl. It acts in a command-line process only: hiding Pillow is
a moment's change to `sys.modules`, and in the window (Qt loaded) another thread importing
Pillow in that moment, for a photo, would fail. It does nothing either when openpyxl or Pillow
is already loaded, or off the main thread.
"""

from __future__ import annotations

import sys
import threading


def _import() -> None:
    if ("openpyxl" in sys.modules or "PIL" in sys.modules or "PySide6" in sys.modules
            or threading.current_thread() is not threading.main_thread()):
        return
    sys.modules["PIL"] = None  # type: ignore[assignment]  # `import PIL` raises ImportError
    try:
        import openpyxl  # noqa: F401
    finally:
        del sys.modules["PIL"]  # Pillow imports normally again for whoever needs it


_import()
