"""Writing a file so that it is either the old one or the whole new one, never half.

Every export goes through `write_atomically`: the content is written to a hidden file
beside the target, then moved over it with `os.replace`. A target held open by Excel/WPS or a
PDF viewer (Windows) raises PermissionError naming the target, not our temporary file; so
does every other OSError (a full disk, a read-only folder, a name too long).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def write_atomically(out: Path | str, write: Callable[[Path], T]) -> T:
    out = Path(out)
    # Named by us rather than mkstemp: mkstemp creates the file 0600, and os.replace would
    # carry that onto the export; the writers' own open() honours the user's umask.
    # os.urandom is what secrets.token_hex uses, without importing hmac on every export.
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{threading.get_ident()}-{os.urandom(4).hex()}.tmp")
    try:
        result = write(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        # Name the export, not our temporary file: the caller's message says which file to
        # close, or which one did not fit on the disk.
        raise type(exc)(exc.errno, exc.strerror, str(out)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return result
