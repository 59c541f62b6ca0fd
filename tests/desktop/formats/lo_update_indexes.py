"""Run by the system's python3 (python3-uno), not ours: LibreOffice opens a .docx, updates
every index as 工具 → 更新 → 全部更新 does, and writes the PDF it then prints.

    /usr/bin/python3 lo_update_indexes.py IN.docx OUT.pdf PROFILE_DIR

`soffice --convert-to` shows a 目录 as it was saved; only this shows what LibreOffice
itself makes of the TOC field and the headings.
"""

import contextlib
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(src, dst, profile):
    pipe = f"qreport{os.getpid()}"
    office = subprocess.Popen(
        ["soffice", "--headless", "--norestore", "--nologo",
         f"-env:UserInstallation={uno.systemPathToFileUrl(os.path.abspath(profile))}",
         f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + 180
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if time.monotonic() > deadline or office.poll() is not None:
                    sys.exit("LibreOffice did not start")
                time.sleep(0.2)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0,
                                           (prop("Hidden", True),))
        indexes = doc.getDocumentIndexes()
        count = indexes.getCount()
        for i in range(count):
            indexes.getByIndex(i).update()
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)),
                       (prop("FilterName", "writer_pdf_Export"),))
        doc.close(True)
        print(count)
        with contextlib.suppress(Exception):  # the bridge goes away with the office
            desktop.terminate()
        office.wait(60)
    finally:
        if office.poll() is None:
            office.kill()


if __name__ == "__main__":
    main(*sys.argv[1:4])
