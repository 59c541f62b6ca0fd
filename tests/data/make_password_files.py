"""How tests/data/password-1234.xls and password-1234.doc were made (not run by the tests).

msoffcrypto-tool encrypts only the new formats (.xlsx/.docx), which the tests do themselves;
the old binary formats' encryption (RC4 CryptoAPI) is written here by LibreOffice 7.4 through
UNO, which needs LibreOffice's Python bridge:

    PYTHONPATH=/usr/lib/libreoffice/program /usr/bin/python3 tests/data/make_password_files.py \
        SOURCE.xlsx SOURCE.docx

SOURCE.xlsx / SOURCE.docx: any small workbook and document (an openpyxl workbook with one cell,
a python-docx document with 你好). msoffcrypto-tool reports both results encrypted.
"""

import contextlib
import os
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def _property(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(xlsx: str, docx: str) -> None:
    office = subprocess.Popen(["soffice", "--headless", "-env:UserInstallation=file:///tmp/lo-password",
                               "--accept=socket,host=localhost,port=2099;urp;"])
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(60):
        try:
            ctx = resolver.resolve("uno:socket,host=localhost,port=2099;urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    here = os.path.dirname(os.path.abspath(__file__))
    for source, kind, out in ((xlsx, "MS Excel 97", "password-1234.xls"), (docx, "MS Word 97", "password-1234.doc")):
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0,
                                           (_property("Hidden", True),))
        doc.storeToURL(uno.systemPathToFileUrl(os.path.join(here, out)),
                       (_property("FilterName", kind), _property("Password", "1234")))
        doc.close(True)
    with contextlib.suppress(Exception):  # the bridge closes as LibreOffice quits
        desktop.terminate()
    office.wait(30)


if __name__ == "__main__":
    main(*sys.argv[1:3])
