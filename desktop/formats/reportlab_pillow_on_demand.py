"""Imports reportlab so that it loads Pillow the first time it uses it, not at import.

Every reportlab module imports `reportlab.lib.utils`, which runs `from PIL import Image` at
its top (~8 ms of CPU: Pillow's core, PIL.ExifTags, PIL.TiffTags) although reportlab needs
Pillow only to read a bitmap: its ImageReader (the cover's logo) and drawImage of anything
but JPEG bytes. Our photos reach drawImage as JPEG bytes, which reportlab copies into the PDF
without decoding them (`photos._Jpeg`), and `photos` imports Pillow itself when a photo must
be resampled. So a report with no logo and no photo to decode never needs Pillow.

While `reportlab.lib.utils` is imported, `PIL.Image` is a stand-in module (`_OnFirstUse`).
The first attribute reportlab looks up on it (`Image.open`, `Image.Image` …) imports the
real PIL.Image and puts it in the stand-in's place in `reportlab.lib.utils`, so from then on
reportlab uses Pillow exactly as it always does, and the PDF is the same byte for byte. The
stand-in is in `sys.modules` only during that import: any other `import PIL.Image` gets the
real module. (importlib.util.LazyLoader would leave a lazy PIL.Image for the whole process,
and in Python 3.11 its first load is not thread-safe; photos are resampled on threads.)

Import this module before reportlab. Like `openpyxl_without_pillow`, it acts in a
command-line process only: while the stand-in is in `sys.modules`, another thread importing
Pillow (the window decodes photos) would get it. It does nothing either when reportlab or
Pillow is already loaded, or off the main thread; reportlab then imports Pillow as usual.
"""

from __future__ import annotations

import importlib
import sys
import threading
import types


class _OnFirstUse(types.ModuleType):
    """Stands for PIL.Image in reportlab.lib.utils until reportlab first uses it."""

    def __getattr__(self, name: str):
        # an ordinary import under the import lock: threads drawing photos at once get
        # the one real module
        real = importlib.import_module("PIL.Image")
        sys.modules["reportlab.lib.utils"].Image = real
        return getattr(real, name)


def _import() -> None:
    if ("reportlab.lib.utils" in sys.modules or "PIL.Image" in sys.modules
            or "PySide6" in sys.modules
            or threading.current_thread() is not threading.main_thread()):
        return
    sys.modules["PIL.Image"] = _OnFirstUse("PIL.Image")
    try:
        import reportlab.lib.utils  # noqa: F401
    finally:
        del sys.modules["PIL.Image"]  # the real Pillow imports normally again


_import()
