"""Start-up of the GUI (`qreport`, `qreport gui FILE [--smoke]`) and `qreport screenshots`.

Cold start is budgeted at one second to the sample shown (DESIGN.md), so nothing heavy is
imported here: reportlab and openpyxl load on the export worker only, when asked for.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

_IMPORTED = time.perf_counter()  # the fallback origin when the process start is unknown


# ---------------------------------------------------------------- start-up time
def _process_started() -> float | None:
    """Wall-clock time the process was created, where the OS tells it."""
    try:
        if sys.platform.startswith("linux"):
            stat = Path("/proc/self/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
            ticks = int(fields[19])  # field 22, starttime, in clock ticks after boot
            uptime = float(Path("/proc/uptime").read_text().split()[0])
            return time.time() - (uptime - ticks / os.sysconf("SC_CLK_TCK"))
        if sys.platform == "win32":
            import ctypes
            from ctypes import wintypes

            creation, exited, kernel, user = (wintypes.FILETIME() for _ in range(4))
            kernel32 = ctypes.windll.kernel32
            if kernel32.GetProcessTimes(
                kernel32.GetCurrentProcess(), ctypes.byref(creation), ctypes.byref(exited),
                ctypes.byref(kernel), ctypes.byref(user),
            ):
                ticks = (creation.dwHighDateTime << 32) | creation.dwLowDateTime
                return (ticks - 116444736000000000) / 1e7  # 100 ns since 1601 → Unix time
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return None


def startup_ms() -> float:
    """Milliseconds since the process started (or, failing that, since this module loaded)."""
    started = _process_started()
    if started is not None:
        return max(0.0, (time.time() - started) * 1000)
    return (time.perf_counter() - _IMPORTED) * 1000


# ---------------------------------------------------------------- application
def application():
    """The QApplication, created once, with names and fonts set."""
    from PySide6.QtWidgets import QApplication

    from desktop.ui import fonts

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setOrganizationName("qreport")
    app.setApplicationName("qreport")
    fonts.apply(app)
    _install_chinese_qt_texts(app)
    if not app.property("qreport_clipboard_hook"):
        app.aboutToQuit.connect(release_clipboard)
        app.setProperty("qreport_clipboard_hook", True)
    return app


def release_clipboard() -> None:
    """Leave on the clipboard only data Qt made itself, before the interpreter ends.

    Copying text with live values puts mime data made in Python on the clipboard; Python
    destroys it at exit while Qt's clipboard still owns it, and the process crashes on the
    way out. Replacing it by the same text, which Qt copies itself, keeps the copy pasteable
    into Word after qreport has closed."""
    from PySide6.QtWidgets import QApplication

    from desktop.ui.live_values import MIME

    clipboard = QApplication.clipboard()
    data = clipboard.mimeData()
    if data is not None and data.hasFormat(MIME):
        clipboard.setText(data.text())


def _install_chinese_qt_texts(app) -> None:
    """Qt's own texts (dialog buttons 关闭/确定/取消, file dialogs, context menus) in Chinese,
    whatever the system's language: the whole interface is Chinese."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    if app.property("qreport_translator_installed"):
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load("qtbase_zh_CN", folder):
        app.installTranslator(translator)
        app.setProperty("qreport_translator_installed", True)


def _default_path(current) -> Path:
    """The last file when it still exists, else the sample (written on first use)."""
    last = current.last_file
    if last and Path(last).is_file():
        return Path(last)
    return _sample()


def _sample() -> Path:
    from desktop import settings
    from desktop.sample import write_sample

    path = settings.sample_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_sample(path).close()
    return path


def _wait_until_shown(app, window, timeout: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        app.processEvents()
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            break
        time.sleep(0.001)
    window.repaint()  # the first frame is painted, not only mapped
    app.processEvents()


def run(file: Path | str | None = None, smoke: bool = False) -> int:
    from PySide6.QtWidgets import QMessageBox

    from desktop import settings
    from desktop.lock import FileLocked
    from desktop.report import ReportFileError
    from desktop.ui.main_window import MainWindow, open_locked

    app = application()
    current = settings.load()
    explicit = file is not None
    from desktop.ui.single_instance import hand_over

    try:
        # the sample is written on first use: a full disk is said, and (the file being
        # created whole or not at all) no empty report is left to be opened next time
        path = Path(file) if explicit else _default_path(current)
        if not smoke and hand_over(path):
            return 0  # the window that has it open came forward
        report, lock = open_locked(path)
    except (ReportFileError, FileLocked) as exc:
        if isinstance(exc, FileLocked) and not smoke and hand_over(path):
            return 0  # it was still starting a moment ago
        if smoke:
            print(exc, file=sys.stderr)
            return 2
        QMessageBox.critical(None, "无法打开报告", str(exc))
        if explicit or not Path(current.last_file or "").is_file():
            return 2  # it was the sample that failed
        try:  # the last file is broken or in use: start on the sample instead
            report, lock = open_locked(_sample())
        except (ReportFileError, FileLocked) as again:
            QMessageBox.critical(None, "无法打开报告", str(again))
            return 2

    window = MainWindow(report, lock=lock, settings=current, interactive=not smoke)
    window.show_first()
    window.say_notices()
    if smoke:
        _wait_until_shown(app, window)
        print(f"{startup_ms():.0f}")
        sys.stdout.flush()
        window.close()
        return 0
    return app.exec()


def _showcase_section(report, chapter_id: str) -> int | None:
    """The section a chapter's screenshot shows: the first with a table or figure, else
    the first with text (an empty chapter root says little about the editor)."""
    sections = report.file.sections(chapter_id)
    for s in sections:
        if report.file.tables(s.id) or report.file.figures(s.id):
            return s.id
    return next((s.id for s in sections if s.text.strip()), None)


# What a maximised window leaves of a Windows screen: the taskbar and the title bar, in
# logical pixels (they scale with the display like everything else).
TASKBAR_AND_TITLE = 70


def screenshots(file: Path | str, directory: Path | str,
                screen: tuple[int, int] = (1280, 800)) -> int:
    """One PNG per tab, and one with the findings panel; prints the paths.

    The window is sized as if maximised on a screen of `screen` pixels at the display
    scaling QT_SCALE_FACTOR says (1.5: a 1366×768 laptop at 150 %)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no window flashes on the desktop
    from desktop import settings
    from desktop.report import Report, ReportFileError
    from desktop.ui.main_window import MainWindow

    app = application()
    try:
        report = Report.open(file)
    except ReportFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    # fresh settings: the user's window layout must not leak into the documentation
    window = MainWindow(report, settings=settings.Settings(), interactive=False)
    window.run_check()
    window.dock.hide()
    scale = float(os.environ.get("QT_SCALE_FACTOR") or 1) or 1.0
    window.resize(int(screen[0] / scale), int(screen[1] / scale) - TASKBAR_AND_TITLE)
    window.show()
    _wait_until_shown(app, window)

    def shoot(name: str, label: str) -> None:
        app.processEvents()
        path = out / name
        window.grab().save(str(path))
        print(f"{label}\t{path}")

    for chapter_id, tab in window.chapter_tabs.items():
        section = _showcase_section(report, chapter_id)
        if section is not None and hasattr(tab, "focus_target"):
            tab.focus_target(section, None, None)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        shoot(f"tab-{index + 1:02}.png", f"{index + 1:02} {window.tabs.tabText(index)}")
    for tab in window.chapter_tabs.values():  # a chapter's fact with the keyboard: its hint
        facts = getattr(getattr(tab, "editor", None), "facts", None)
        field = next(iter(facts.hints), None) if facts is not None else None
        if field is not None:
            window.show_tab(tab)
            tab.outline.select(tab.root_id())
            facts.set_expanded(True)
            window.activateWindow()
            field.setFocus()
            app.processEvents()
            shoot("facts-hint.png", f"{tab.chapter.title}：基础数据的说明")
            break
    window.tabs.setCurrentWidget(window.data_tab)
    window.check_now()  # as F5 shows the panel, at the height F5 gives it
    shoot("findings.png", "检查结果")
    window.close()
    return 0
