"""The main window: one tab per chapter of the edition's template, the data table, findings.

The window owns the open `Report`, the shared QUndoStack, the one change event every view
listens to (undo.Notifier) and the lock on the file. Tabs edit through undo commands; each
view re-reads what a change names; the window says "已保存", re-runs the checks
(debounced) and, after an undo or redo, shows where it happened. Nothing here writes SQL
or knows the storage: it calls `Report`/`ReportFile` and the core modules.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop import settings as settings_mod
from desktop import template as templates
from desktop.errors import UserError
from desktop.report import Report, ReportFileError
from desktop.rules import Finding
from desktop.search import Hit, search, tab_title  # noqa: F401 - search: the window's API
from desktop.ui import bureau, live_values
from desktop.ui.chapter_tab import ChapterTab
from desktop.ui.chapter_undo import failure_sentence
from desktop.ui.data_table import DataTableTab
from desktop.ui.dialog_buttons import OK, ok_cancel
from desktop.ui.export_jobs import KINDS, ExportController
from desktop.ui.find_dialog import FindDialog
from desktop.ui.findings import FindingsDock, counts
from desktop.ui.form_rows import REPORT_FILTER
from desktop.ui.new_report_dialog import NewReportDialog
from desktop.ui.section_editor import REMEMBERED
from desktop.ui.undo import META_LABELS, Change, ImportCommand, Notifier, WordImportCommand

CHECK_DELAY_MS = 150  # debounce: a burst of edits re-runs the check once
DEFAULT_SIZE = QSize(1280, 800)
FRAME_ALLOWANCE = QSize(16, 40)  # a window frame and title bar beyond the client area
DOCK_HEIGHT = 170


# ---------------------------------------------------------------- opening files
def open_locked(path: Path | str):
    """Lock the file for this process, then open it; returns (report, lock).

    Raises ReportFileError or desktop.lock.FileLocked with a sentence for the user.
    """
    from desktop.lock import ReportLock

    lock = ReportLock(path)
    lock.acquire()
    try:
        return Report.open(path), lock
    except BaseException:
        lock.release()
        raise


def _sentence(error: BaseException, path: Path) -> str:
    """One Chinese sentence, ending in its full stop, for an error met writing or reading."""
    from db import file_errors

    if isinstance(error, UserError | ReportFileError):
        text = str(error)
    elif isinstance(error, OSError | sqlite3.Error):
        text = file_errors.sentence(error, path)
    else:  # a bug: the person gets a sentence, the developer its traceback
        traceback.print_exception(error, file=sys.stderr)
        text = f"出现意外错误（{type(error).__name__}）"
    return text if text.endswith(("。", "！", "？")) else text + "。"


def _release(lock) -> None:
    if lock is not None:
        lock.release()


# ---------------------------------------------------------------- the window
class MainWindow(QMainWindow):
    def __init__(self, report: Report, *, lock=None, settings=None, interactive: bool = True):
        super().__init__()
        self.report = report
        self.lock = lock
        self.interactive = interactive  # False: smoke runs and screenshots leave no trace
        self.settings = settings if settings is not None else settings_mod.load()
        self.undo_stack = QUndoStack(self)
        self.notifier = Notifier(self)
        self.notifier.changed.connect(self._on_change)
        self.undo_stack.indexChanged.connect(self._on_index_changed)
        self.findings: list[Finding] = []
        self.check_failed = False
        self._dock_sized_by_user = False  # dragged its edge: F5 then keeps that size
        self._dock_before_press = -1
        self.chapter_tabs: dict[str, QWidget] = {}
        self.data_tab: DataTableTab | None = None
        self.data_tabs: list[DataTableTab] = []  # one per indicator table; data_tab is the first
        self._dialogs: list[QWidget] = []
        self.find_dialog: FindDialog | None = None
        self._closed = False
        self._listening: Path | None = None

        self.tabs = QTabWidget(self, documentMode=True, usesScrollButtons=True)
        self.tabs.currentChanged.connect(self._on_current_tab)
        # the scroll arrows Qt adds when the tabs do not fit are for the mouse (Ctrl+PgDn
        # goes on by key): no Tab stop between the tab bar and the page
        for arrow in self.tabs.tabBar().findChildren(QToolButton):
            arrow.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # over the sample only: a first start opens it, and a clerk must learn it is not theirs
        self.sample_banner = QLabel(
            "这是示例报告，只供参考。编写本校的报告请按 Ctrl+N（文件 → 新建）；使用说明请按 F1。",
            self, wordWrap=True, visible=False)
        self.sample_banner.setStyleSheet(
            "background: #FFF4CE; color: #5C4400; padding: 6px 10px; border-bottom: 1px solid #E8D48A;")
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.sample_banner)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.dock = FindingsDock(self)
        self.dock.activated.connect(self.go_to_finding)
        self.dock.note_written.connect(self.write_note)
        live_values.install_finding_actions(self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.exports = ExportController(self)

        self.check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self.check_timer.timeout.connect(self.run_check)
        self.backup_timer = QTimer(self, singleShot=True, interval=2000)
        self.backup_timer.timeout.connect(self._daily_backup)

        for key, value in self.settings.splitters.items():
            if key in REMEMBERED and isinstance(value, int | float):
                REMEMBERED[key] = value
        from desktop.ui.single_instance import Listener

        self.listener = Listener(self)  # a second start on this file comes here
        self.listener.activated.connect(self.come_forward)
        self._build_status_bar()
        self._build_menus()
        self._build_tabs()
        self._restore_geometry()
        self._retitle()
        if interactive:
            self._remember(report.file.path)
            self.backup_timer.start()
        self.check_timer.start()

    # ------------------------------------------------------------ building
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.saved_label = QLabel("已保存", self)
        self.saved_label.setToolTip("每次修改都会立即写入报告文件，无需另行保存。")
        self.completeness_label = QLabel(self)
        self.counts_button = QToolButton(self, autoRaise=True)
        self.counts_button.setToolTip("显示或隐藏检查结果")
        self.counts_button.clicked.connect(lambda: self.dock.setVisible(not self.dock.isVisible()))
        self.file_label = QLabel(self)  # the file's name; its full path on hover
        for widget in (self.file_label, self.completeness_label, self.saved_label,
                       self.counts_button):
            bar.addPermanentWidget(widget)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        self._action(file_menu, "新建(&N)…", self.new_report, QKeySequence.StandardKey.New)
        self._action(file_menu, "使用主管部门下发的指标表(&B)…", lambda: bureau.edition_from_form(self))
        self._action(file_menu, "新建下一年度报告(&Y)…", self.new_next_year)
        self._action(file_menu, "打开(&O)…", self.open_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu("最近打开(&R)")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self._action(file_menu, "报告信息(&I)…", self.show_report_info, "Ctrl+Shift+I")
        file_menu.addSeparator()
        self._action(file_menu, "保存(&S)", self.save, QKeySequence.StandardKey.Save)
        self._action(file_menu, "另存副本(&A)…", self.save_copy, "Ctrl+Shift+S")
        self._action(file_menu, "从备份恢复(&K)…", self.restore_backup)
        file_menu.addSeparator()
        self._action(file_menu, "从 Excel 导入(&E)…", self.import_excel, "Ctrl+I")
        self._action(file_menu, "导入 Word 报告(&W)…", self.import_word)
        file_menu.addSeparator()
        self._action(file_menu, "打印(&P)…", self.print_report, QKeySequence.StandardKey.Print)
        file_menu.addSeparator()
        self._action(file_menu, "退出(&X)", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu("编辑(&E)")
        # Own actions rather than QUndoStack.createUndoAction: text typed in the last moments
        # (held back for the input method) must be committed before the stack moves.
        self.undo_action = QAction("撤销(&U)", self, enabled=False, triggered=self._undo)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = QAction("重做(&R)", self, enabled=False, triggered=self._redo)
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda text: self.undo_action.setText(f"撤销(&U) {text}" if text else "撤销(&U)"))
        self.undo_stack.redoTextChanged.connect(
            lambda text: self.redo_action.setText(f"重做(&R) {text}" if text else "重做(&R)"))
        redo_keys = [QKeySequence("Ctrl+Y")]
        redo_keys += [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
                      if k not in redo_keys]
        self.redo_action.setShortcuts(redo_keys)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self._action(edit_menu, "查找(&F)…", self.show_find, QKeySequence.StandardKey.Find)

        view_menu = bar.addMenu("视图(&V)")
        toggle = self.dock.toggleViewAction()
        toggle.setText("检查结果(&C)")
        view_menu.addAction(toggle)
        self._action(view_menu, "立即检查(&K)", self.check_now, "F5")
        self._action(view_menu, "修改记录(&H)…", self.show_history, "Ctrl+H")

        export_menu = bar.addMenu("导出(&X)")
        self._action(export_menu, "Excel(&E)…", lambda: self.export("xlsx"), "Ctrl+E")
        self._action(export_menu, "PDF(&P)…", lambda: self.export("pdf"), "Ctrl+Shift+P")
        self._action(export_menu, "Word 文档(&W)…", lambda: self.export("docx"))
        # named after the report's edition (质量数据表, 指标表): set in _retitle
        self.table_pdf_action = self._action(export_menu, "", lambda: self.export("table_pdf"))
        self._action(export_menu, "部门采集表(&D)…", lambda: self.export("collect"))
        self._action(export_menu, "填写主管部门下发的表格(&B)…", lambda: bureau.fill_form(self))

        # Ctrl+PgDn / Ctrl+PgUp go to the next / previous tab from anywhere (Qt's tab widget
        # itself only knows Ctrl+Tab)
        for keys, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            action = QAction(self, shortcut=QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, step=step: self.step_tab(step))
            self.addAction(action)

        help_menu = bar.addMenu("帮助(&H)")
        self._action(help_menu, "使用说明(&H)", self.show_help, QKeySequence.StandardKey.HelpContents)
        self._action(help_menu, "关于 qreport(&A)", self._about)

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_tabs(self) -> None:
        """(Re)build every tab for self.report: at start and after opening another file."""
        self.tabs.blockSignals(True)
        self._shut_views()
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            widget.deleteLater()
        self.chapter_tabs.clear()
        self.data_tab = None
        self.data_tabs = []
        for chapter in self.report.template.chapters:
            tab = ChapterTab(self.report, chapter, self.undo_stack, self, notifier=self.notifier)
            self.chapter_tabs[chapter.id] = tab
            self.tabs.addTab(tab, tab_title(self.report.template, chapter))
        # one grid tab per indicator table of the edition; data_tab is the first
        for table in self.report.template.indicator_tables:
            data_tab = DataTableTab(self.report, self.undo_stack, self.notifier, self, table=table)
            data_tab.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
            self.tabs.addTab(data_tab, table.heading("").strip())
            self.data_tabs.append(data_tab)
        self.data_tab = self.data_tabs[0]
        self.tabs.blockSignals(False)
        self.order_focus()
        self._update_completeness()

    def order_focus(self) -> None:
        """Tab goes from the tab bar into the page shown and only then to the findings panel
        and the status bar. Qt appends widgets made after the panel (every page, and what a
        page makes later) to the end of the window's focus chain, behind the panel."""
        chain, widget = [], self.nextInFocusChain()
        while widget is not None and widget is not self and len(chain) < 100000:
            chain.append(widget)
            widget = widget.nextInFocusChain()
        bars = (self.dock, self.statusBar())
        tabbable = [w for w in chain if w.focusPolicy() & Qt.FocusPolicy.TabFocus]
        bottom = [w for w in tabbable if any(bar.isAncestorOf(w) for bar in bars)]
        rest = [w for w in tabbable if w not in bottom]
        if rest and bottom:
            for first, second in zip([rest[-1], *bottom], bottom, strict=False):
                QWidget.setTabOrder(first, second)

    def _restore_geometry(self) -> None:
        geometry = self.settings.window_geometry
        restored = False
        if geometry:
            try:
                restored = self.restoreGeometry(QByteArray.fromHex(geometry.encode("ascii")))
            except (UnicodeEncodeError, ValueError):
                restored = False
        self._placed = restored  # the size and place of the last close, shown as they were
        if not restored:
            size = DEFAULT_SIZE
            screen = self.screen().availableGeometry() if self.screen() else None
            if screen is not None:
                size = size.boundedTo(screen.size())
            self.resize(size)
        state = False
        if self.settings.window_state:
            with contextlib.suppress(UnicodeEncodeError, ValueError):
                state = self.restoreState(
                    QByteArray.fromHex(self.settings.window_state.encode("ascii")))
        if not state and not self.dock.isFloating():
            self.resizeDocks([self.dock], [self._dock_height()], Qt.Orientation.Vertical)

    def show_first(self) -> None:
        """Show the window at start. The first time on a screen smaller than the default
        size plus the title bar (a 1366×768 laptop, all the more at 150 %), maximised: a
        window as tall as the screen has its status bar — 已保存, the counts, what an import
        or export did — under the taskbar, out of sight."""
        screen = self.screen().availableGeometry() if self.screen() else None
        small = screen is not None and (
            screen.width() < DEFAULT_SIZE.width() + FRAME_ALLOWANCE.width()
            or screen.height() < DEFAULT_SIZE.height() + FRAME_ALLOWANCE.height())
        if not self._placed and small:
            self.showMaximized()
        else:
            self.show()

    def _dock_height(self) -> int:
        """The findings panel's share: on a small screen the chapters need the height."""
        return min(DOCK_HEIGHT, self.height() // 5)

    def _dock_height_for_f5(self) -> int:
        """F5 is asking to read the findings: a third of the window (a few lines at least;
        at 1366×768 and 150 % the automatic fifth showed two and a half)."""
        listing = self.dock.list
        around = self.dock.height() - listing.viewport().height()  # title, summary, frame
        six_lines = around + 6 * listing.fontMetrics().lineSpacing() + 8
        return min(max(DOCK_HEIGHT, self.height() // 3, six_lines), self.height() // 2)

    def event(self, event) -> bool:
        # the dock's edge is dragged through the main window's own mouse events
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            self._dock_before_press = self.dock.height()
        handled = super().event(event)
        if kind == QEvent.Type.MouseButtonRelease and self._dock_before_press >= 0:
            if self.dock.isVisible() and self.dock.height() != self._dock_before_press:
                self._dock_sized_by_user = True
            self._dock_before_press = -1
        return handled

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.dock.isVisible() and not self.dock.isFloating() \
                and self.dock.height() > self.height() // 4:
            self.resizeDocks([self.dock], [self._dock_height()], Qt.Orientation.Vertical)

    def come_forward(self) -> None:
        """Another start asked for the file shown here: show this window instead."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        self.statusBar().showMessage("这个报告已经在本窗口中打开。", 5000)

    def _retitle(self) -> None:
        if self.lock is not None and self._listening != self.report.file.path:
            # only the process holding the file's lock answers for it
            self._listening = self.report.file.path
            self.listener.listen(self.report.file.path)
        path = str(self.report.file.path.resolve())
        self.setWindowFilePath(path)
        self.file_label.setText(self.report.file.path.name)
        self.file_label.setToolTip(path)
        self.tabs.tabBar().setToolTip(path)
        self.table_pdf_action.setText(f"仅{self.report.template.tables_name} PDF(&T)…")
        self.setWindowTitle(
            f"{self.report.school} — {self.report.template.title} — {self.report.file.path.name}"
        )
        with contextlib.suppress(OSError):
            self.sample_banner.setVisible(
                self.report.file.path.resolve() == settings_mod.sample_path().resolve())

    def _shut_views(self) -> None:
        """Before the report closes: no view may read the file again (a hidden chapter
        tab would re-read what changed when it is next shown, even while being removed)."""
        for tab in [*self.data_tabs, *self.chapter_tabs.values()]:
            tab.shutdown()

    # ------------------------------------------------------------ tab access
    def tab_index(self, widget: QWidget) -> int:
        return self.tabs.indexOf(widget)

    def step_tab(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    def show_tab(self, widget: QWidget) -> None:
        self.tabs.setCurrentWidget(widget)

    def data_tab_of(self, indicator: str) -> DataTableTab:
        """The grid tab of the indicator's own table (it may be restated in others)."""
        home = self.report.template.indicators[indicator].table
        return next((t for t in self.data_tabs if t.table.id == home), self.data_tab)

    def chapter_of_widget(self, widget: QWidget) -> str | None:
        for chapter_id, tab in self.chapter_tabs.items():
            if tab is widget:
                return chapter_id
        return None

    # ------------------------------------------------------------ edits and refresh
    def _on_index_changed(self, _index: int) -> None:
        # QUndoStack emits this after a command's redo()/undo() returned, also after one
        # that failed (and was dropped): "已保存" follows the command's Change instead.
        self.check_timer.start()

    def _on_change(self, change: Change) -> None:
        """The one change event: the views re-read what concerns them (they listen too);
        the window retitles, marks the file saved and shows where an undo or redo happened."""
        if change.error is not None:
            tab = self.chapter_tabs.get(change.chapter or "")
            if tab is None:
                self._write_failed(change.error)
                return
            # a chapter tab says its own failures in place; an undo or redo pressed
            # elsewhere would fail unseen: go there (not while a tab is being left: text
            # stored on leaving it fails in the middle of the switch), and say it below
            if change.replayed:
                self.show_tab(tab)
            self._mark_unsaved()
            where = self.tabs.tabText(self.tab_index(tab))
            self.statusBar().showMessage(
                f"{failure_sentence(change, self.report.file.path)}（{where}）", 15000)
            return
        if change.kind == "meta":
            self._retitle()
        self._mark_saved()
        self.check_timer.start()
        if change.replayed:
            self._show_replayed(change)

    def _show_replayed(self, change: Change) -> None:
        # An undo pressed on another tab would change what the user does not see: go
        # there and say what and where, so a second Ctrl+Z is not pressed because
        # "nothing happened"; a grid's cells are selected.
        done = ("已撤销：" if change.undone else "已重做：") + change.text
        target = self.data_tab  # the fields under the grid (填报人 …)
        if change.chapter is not None:
            target = self.chapter_tabs.get(change.chapter)
        elif change.kind in ("value", "note", "import") and change.keys:
            target = self.data_tab_of(change.keys[0][0])
        elif change.kind == "meta" and not set(change.keys) <= set(META_LABELS):
            target = None  # 报告信息: no tab shows it
        if target is None:
            self.statusBar().showMessage(done, 5000)
            return
        self.show_tab(target)
        self.statusBar().showMessage(f"{done}（{self.tabs.tabText(self.tab_index(target))}）", 5000)
        if change.chapter is None and change.kind in ("value", "note", "import"):
            target.reveal(change.keys)

    def _on_current_tab(self, _index: int) -> None:
        self._update_completeness()
        self.order_focus()  # a page re-read when shown made new widgets

    def _mark_saved(self) -> None:
        from datetime import datetime

        self.saved_label.setStyleSheet("")
        self.saved_label.setText(f"已保存 {datetime.now():%H:%M:%S}")
        self.saved_label.setToolTip("每次修改都会立即写入报告文件，无需另行保存。")

    def _mark_unsaved(self) -> None:
        self.saved_label.setStyleSheet("color: #B3261E;")
        self.saved_label.setText("未保存")

    def _write_failed(self, error: Exception) -> None:
        self._mark_unsaved()
        text = f"修改未能写入文件：{_sentence(error, self.report.file.path)}文件中仍是原来的内容。"
        self.statusBar().showMessage(text, 15000)
        self._message(QMessageBox.Icon.Warning, "无法保存", text)

    def _update_completeness(self) -> None:
        widget = self.tabs.currentWidget()
        if widget is None:
            self.completeness_label.setText("")
            return
        filled, total = widget.completeness()
        what = "已填指标" if widget in self.data_tabs else "已完成"
        self.completeness_label.setText(f"{what} {filled}/{total}" if total else "")

    def run_check(self) -> bool:
        """Check; False when the check itself failed (then every place that shows counts
        says so until a check succeeds: old counts would read as the current ones)."""
        from desktop import rules

        self.check_timer.stop()
        try:
            self.findings = rules.check(self.report)
        except Exception as exc:  # a rule bug must not stop editing
            traceback.print_exc(file=sys.stderr)
            said = f"检查未能完成：{_sentence(exc, self.report.file.path)}"
            self.findings = []
            self.dock.failed(said)
            self.counts_button.setText("检查未能完成")
            self.counts_button.setStyleSheet("color: #B3261E;")
            self.statusBar().showMessage(said)  # no timeout: it stays until a check succeeds
            self.check_failed = True
            return False
        if self.check_failed:
            self.check_failed = False
            self.statusBar().clearMessage()
        self.dock.set_findings(self.findings, self._unfinished())
        errors, warnings = counts(self.findings)
        self.counts_button.setText(f"错误 {errors} · 提示 {warnings}")
        self.counts_button.setStyleSheet("color: #B3261E;" if errors else "")
        self._update_completeness()
        return True

    def check_now(self) -> None:
        """F5: check, and put the keyboard on the first finding (Enter goes to it); the
        status bar says what the check found, so pressing F5 is never met with silence."""
        self.commit_pending_edits()
        checked = self.run_check()
        self.dock.show()
        self.dock.raise_()
        if not self.dock.isFloating() and not self._dock_sized_by_user \
                and self.dock.height() < self._dock_height_for_f5():
            self.resizeDocks([self.dock], [self._dock_height_for_f5()], Qt.Orientation.Vertical)
        self.dock.focus_first()
        if not checked:
            return  # the status bar says why; 检查完成 with stale counts would be untrue
        errors, warnings = counts(self.findings)
        said = (f"检查完成：错误 {errors} 条，提示 {warnings} 条。用 ↑↓ 选择一条，按 Enter 转到填写位置。"
                if self.findings else "检查完成：" + self.dock.summary.text())
        self.statusBar().showMessage(said, 10000)

    def _unfinished(self) -> str:
        """What is still empty, in a few words ("3 个小节没有内容、12 个指标未填"), or ""."""
        sections = facts_and_values = 0
        for tab in self.chapter_tabs.values():
            done, total = tab.completeness()
            sections += total - done
        for tab in self.data_tabs:
            done, total = tab.completeness()
            facts_and_values += total - done
        parts = []
        if sections:
            parts.append(f"{sections} 处小节或基础数据未填")
        if facts_and_values:
            parts.append(f"{facts_and_values} 个指标未填")
        return "、".join(parts)

    def write_note(self, indicator: str, year: int, text: str) -> None:
        """A note from the findings panel: one undoable edit, like one typed in 备注."""
        from desktop.ui.undo import SetNoteCommand

        self.undo_stack.push(SetNoteCommand(self.report, indicator, year, text, self.notifier))

    # ------------------------------------------------------------ going places
    def go_to_finding(self, finding: Finding) -> bool:
        template = self.report.template
        section = finding.section
        if finding.table is not None and section is None:
            try:
                section = self.report.file.table(finding.table).section
            except KeyError:
                section = None
        if section is not None:
            try:
                chapter = self.report.file.section(section).chapter
            except KeyError:
                chapter = None
            tab = self.chapter_tabs.get(chapter or "")
            if tab is not None:
                self.show_tab(tab)
                found = bool(tab.focus_target(section, finding.table, None))
                if found and finding.kind == "citation":  # the cited number, selected
                    live_values.select_citation(tab.editor, finding)
                return found
        for ind_id in finding.ids:
            ind = template.indicators.get(ind_id)
            if ind is None:
                continue
            if ind.in_table:
                data_tab = self.data_tab_of(ind_id)
                self.show_tab(data_tab)
                return data_tab.focus_indicator(ind_id, finding.year)
            tab = self.chapter_tabs.get(ind.chapter or "")
            if tab is not None:
                self.show_tab(tab)
                return bool(tab.focus_target(None, None, ind_id))
        self.statusBar().showMessage("这条检查结果没有对应的填写位置。", 5000)
        return False

    def go_to_hit(self, hit: Hit) -> bool:
        if hit.indicator is not None:
            ind = self.report.template.indicators[hit.indicator]
            if ind.in_table:
                data_tab = self.data_tab_of(ind.id)
                self.show_tab(data_tab)
                return data_tab.focus_indicator(ind.id)
        tab = self.chapter_tabs.get(hit.chapter or "")
        if tab is None:
            return False
        self.show_tab(tab)
        return bool(tab.focus_target(hit.section, None, hit.indicator))

    def _refresh_find(self) -> None:
        """Another file (or a restored one) is shown: hits of the old one would lead to
        sections of the same id in this one."""
        if self.find_dialog is not None:
            self.find_dialog.timer.stop()
            self.find_dialog.run()

    def show_find(self) -> FindDialog:
        if self.find_dialog is None:
            self.find_dialog = FindDialog(self)
        self.find_dialog.show()
        self.find_dialog.raise_()
        self.find_dialog.activateWindow()
        self.find_dialog.edit.setFocus()
        self.find_dialog.edit.selectAll()
        return self.find_dialog

    # ------------------------------------------------------------ files
    def _remember(self, path: Path) -> None:
        if not self.interactive:
            return
        self.settings.remember(path)
        settings_mod.save(self.settings)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        current = str(self.report.file.path.resolve())
        for path in self.settings.recent_files:
            action = self.recent_menu.addAction(path)
            action.setEnabled(path != current and Path(path).exists())
            action.triggered.connect(lambda _checked=False, p=path: self.open_file(Path(p)))
        if not self.settings.recent_files:
            self.recent_menu.addAction("（无）").setEnabled(False)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "打开报告", str(self.work_folder()), REPORT_FILTER
        )
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> bool:
        from desktop.lock import FileLocked

        if Path(path).resolve() == self.report.file.path.resolve():
            return True
        try:
            report, lock = open_locked(path)
        except (ReportFileError, FileLocked) as exc:
            self._message(QMessageBox.Icon.Warning, "无法打开报告", str(exc))
            return False
        self.switch_to(report, lock)
        self.say_notices()
        return True

    def say_notices(self) -> None:
        """What opening the file did that the user must know (a leftover journal set aside)."""
        if self.report.file.notices:
            self._message(QMessageBox.Icon.Information, "打开报告", "\n".join(self.report.file.notices))

    def switch_to(self, report: Report, lock) -> None:
        """Show another report; the old one is closed and unlocked."""
        self.commit_pending_edits()
        old_report, old_lock = self.report, self.lock
        self.undo_stack.clear()  # commands refer to the old file
        self._shut_views()
        self.report, self.lock = report, lock
        self._build_tabs()
        # the widget that had the keyboard went with the old pages: without this the bare
        # window has it when the dialog that opened the file closes, and keys do nothing
        self.tabs.tabBar().setFocus(Qt.FocusReason.OtherFocusReason)
        self._retitle()
        old_report.close()
        _release(old_lock)
        self._remember(report.file.path)
        self.saved_label.setText("已保存")
        self.run_check()
        self._refresh_find()
        if self.interactive:
            self.backup_timer.start()

    def new_report(self, edition: templates.Template | None = None) -> NewReportDialog:
        """新建报告; `edition`: one read from a file, offered first (the bureau's form)."""
        dialog = NewReportDialog(self, self.work_folder(), edition)

        def create() -> None:
            school, edition, year, path = dialog.values()
            if path.suffix != ".qreport":
                path = path.with_name(path.name + ".qreport")
            try:
                Report.create(path, school, edition, year).close()
            except (ReportFileError, templates.TemplateError) as exc:
                self._message(QMessageBox.Icon.Warning, "无法创建报告", str(exc))
                return
            self.open_file(path)

        dialog.accepted.connect(create)
        dialog.open()
        self._keep(dialog)
        return dialog

    def show_report_info(self):
        """报告信息: the cover's fields and the school's name, applied as one undo step."""
        from desktop.ui.report_info_dialog import ReportInfoDialog
        from desktop.ui.undo import SetCoverCommand

        self.commit_pending_edits()
        dialog = ReportInfoDialog(self.report, self)

        def apply() -> None:
            cover = dialog.cover()
            if cover != self.report.cover():
                self.undo_stack.push(SetCoverCommand(self.report, cover, self.notifier))

        dialog.accepted.connect(apply)
        dialog.open()
        self._keep(dialog)
        return dialog

    def new_next_year(self):
        """文件 → 新建下一年度报告: the dialog choosing the edition (the current one when the
        report's own no longer serves the next year), the year and the file; 创建 runs
        make_next_year. Returns the dialog (it is not modal to the tests)."""
        from desktop.ui.next_year_dialog import NextYearDialog

        self.commit_pending_edits()
        dialog = NextYearDialog(self.report, self.work_folder(), self)

        def create() -> None:
            choice = dialog.choice()
            self.make_next_year(choice.path, choice.edition, choice.report_year, choice.with_figures)

        dialog.accepted.connect(create)
        dialog.open()
        self._keep(dialog)
        return dialog

    def make_next_year(self, target: Path, edition: str | None = None,
                       report_year: int | None = None, with_figures: bool = False) -> bool:
        """Next year's report from this one (desktop.next_year, as `qreport next`): values
        roll into the previous-year column, texts come along flagged 待更新; this file is
        untouched. The new report opens, and what the carry could not do is said."""
        from desktop import next_year
        from desktop.errors import UserError

        self.commit_pending_edits()
        if target.suffix != ".qreport":
            target = target.with_name(target.name + ".qreport")
        try:
            result = next_year.make_next(self.report.file.path, target, edition=edition,
                                         with_figures=with_figures, report_year=report_year)
        except (ReportFileError, UserError, OSError) as exc:
            self._message(QMessageBox.Icon.Warning, "无法新建下一年度报告", str(exc))
            return False
        if not self.open_file(target):
            return False
        self.run_check()  # gaps and 请核实 of the carry are findings of the new report at once
        self.statusBar().showMessage(
            f"已新建 {target.name}：沿用的小节标为“待更新”，请按本年度修改。", 10000)
        said = [f"{line}（未带入）" for line in result.left_behind] + result.notes
        cautions = sum(1 for f in self.findings if f.kind == "carry_caution")
        if cautions:
            said.append(f"{cautions} 个数值按上一版本的口径带入，已在检查结果中标为请核实")
        if said:
            from desktop.ui.bureau import SummaryDialog

            # a list as long as the 2022 edition's leavings: scrolled, never taller than the screen
            box = SummaryDialog(self, "新建下一年度报告",
                                f"已新建“{result.title}”，原报告未改动。请注意以下几点；需补填或核实的"
                                "数值也列在窗口下方的检查结果中。", [f"· {line}。" for line in said])
            box.resize(560, 320)
            box.open()
            self._keep(box)
        return True

    def save(self) -> QMessageBox:
        """Ctrl+S: there is nothing to save; say so, and offer the copy people may want."""
        self.commit_pending_edits()
        box = QMessageBox(QMessageBox.Icon.Information, "保存",
                          f"每次修改都已自动保存到：\n{self.report.file.path}\n\n无需另行保存。"
                          "如需另存一份，请选“另存副本”。", parent=self)
        copy = box.addButton("另存副本…", QMessageBox.ButtonRole.ActionRole)
        box.addButton("好", QMessageBox.ButtonRole.AcceptRole)
        box.buttonClicked.connect(lambda button: button is copy and self.save_copy())
        box.open()
        self._keep(box)
        return box

    def save_copy(self, target: Path | None = None) -> bool:
        if target is None:
            source = self.report.file.path
            suggested = source.with_name(f"{source.stem}-副本.qreport")
            chosen, _ = QFileDialog.getSaveFileName(self, "另存副本", str(suggested), REPORT_FILTER)
            if not chosen:
                return False
            target = Path(chosen)
        if target.resolve() == self.report.file.path.resolve():
            self._message(QMessageBox.Icon.Information, "另存副本", "副本不能保存为正在编辑的文件本身。")
            return False
        try:
            self.report.file.backup_to(target)
        except Exception as exc:  # sqlite3 and OS errors alike: said, not raised
            self._message(QMessageBox.Icon.Warning, "无法另存副本", _sentence(exc, target))
            return False
        self.statusBar().showMessage(f"副本已保存到 {target}", 8000)
        return True

    def restore_backup(self) -> QDialog | None:
        from desktop import backups

        found = backups.list_backups(self.report.file.path)
        if not found:
            self._message(QMessageBox.Icon.Information, "从备份恢复",
                          "这个报告还没有备份。打开报告时每天会自动备份一次。")
            return None
        dialog = QDialog(self, windowTitle="从备份恢复")
        listing = QListWidget(dialog)
        for backup in found:
            item = QListWidgetItem(backup.label)
            item.setData(Qt.ItemDataRole.UserRole, backup)
            listing.addItem(item)
        listing.setCurrentRow(0)
        buttons = ok_cancel(dialog, "恢复")
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("选择一个备份。恢复会用它替换报告的全部内容；"
                                "当前内容会先自动备份，可以再恢复回来。", dialog, wordWrap=True))
        layout.addWidget(listing, 1)
        layout.addWidget(buttons)
        dialog.resize(460, 360)

        def restore() -> None:
            item = listing.currentItem()
            if item is not None:
                self._restore_from(item.data(Qt.ItemDataRole.UserRole).path)

        dialog.accepted.connect(restore)
        dialog.open()
        self._keep(dialog)
        return dialog

    def _restore_from(self, backup: Path) -> bool:
        from desktop import backups

        path = self.report.file.path
        self.commit_pending_edits()
        self.undo_stack.clear()  # the commands describe a state that is about to go
        self._shut_views()
        self.report.close()
        try:
            backups.restore(path, backup)
        except (ReportFileError, OSError, sqlite3.Error) as exc:  # disk full, file busy …
            self._message(QMessageBox.Icon.Warning, "恢复失败", _sentence(exc, path))
            ok = False
        else:
            ok = True
        try:
            report = Report.open(path)
        except ReportFileError as exc:
            self._message(QMessageBox.Icon.Critical, "无法重新打开报告", str(exc))
            self.close()
            return False
        self.report = report
        self._build_tabs()
        self._retitle()
        self.run_check()
        self._refresh_find()
        if ok:
            self.statusBar().showMessage(f"已从备份恢复：{backup.name}", 10000)
        return ok

    def _plan_import(self, path: Path | None, title: str, folder: Path, file_filter: str,
                     plan_of):
        """What importing a file would do (plan_of(report, path)), the file asked for when
        not given; None when none was chosen, or the import is refused (said)."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, title, str(folder), file_filter)
            if not chosen:
                return None
            path = Path(chosen)
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            return plan_of(self.report, path)
        except (UserError, OSError, sqlite3.Error) as exc:  # refused, unreadable, the disk …
            self._message(QMessageBox.Icon.Warning, "无法导入", _sentence(exc, path))
            return None
        finally:
            self.unsetCursor()

    def import_excel(self, book: Path | None = None) -> QDialog | None:
        from desktop import importer

        plan = self._plan_import(book, "从 Excel 导入", self.work_folder(),
                                 "Excel 工作簿 (*.xlsx)", importer.plan_import)
        return None if plan is None else self._import_preview(plan)

    def _import_preview(self, plan) -> QDialog:
        lines = [f"注意：{n}" for n in plan.notes]
        lines += [f"无法导入：{n}" for n in plan.unmatched + plan.refused]
        lines += [c.describe() for c in plan.items]
        return self._preview_dialog(
            "从 Excel 导入：预览", plan.summary(), "\n".join(lines) or "（没有需要更新的数值）",
            f"导入 {len(plan.changes)} 个数值{_imported_extras(plan)}", plan.ok and bool(plan.items),
            QSize(640, 480), lambda: self._apply_import(plan))

    def _preview_dialog(self, title: str, summary: str, text: str, accept_text: str,
                        can_apply: bool, size: QSize, apply) -> QDialog:
        """An import's preview: its summary, what it would change, and the button that applies it."""
        dialog = QDialog(self, windowTitle=title)
        buttons = ok_cancel(dialog, accept_text)
        buttons.button(OK).setEnabled(can_apply)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel(summary, dialog, wordWrap=True))
        layout.addWidget(QPlainTextEdit(text, dialog, readOnly=True), 1)
        layout.addWidget(buttons)
        dialog.resize(size)
        dialog.accepted.connect(apply)
        dialog.open()
        self._keep(dialog)
        return dialog

    def _backup_before_import(self) -> bool:
        """A backup before an import (workbook or Word); False, said, when none could be made."""
        from desktop import backups

        try:
            backups.make_backup(self.report.file, "import")
        except (OSError, ReportFileError) as exc:
            self._message(QMessageBox.Icon.Warning, "无法导入",
                          f"导入前的备份失败，没有导入：{_sentence(exc, self.report.file.path)}")
            return False
        return True

    def _apply_import(self, plan) -> None:
        if not self._backup_before_import():
            return
        # one undo step for the whole import (the same write as `qreport import`); the
        # change log names the workbook
        self.undo_stack.push(ImportCommand(self.report, plan, self.notifier))
        self.statusBar().showMessage(f"已导入 {len(plan.changes)} 个数值{_imported_extras(plan)}。", 10000)

    def import_word(self, path: Path | None = None) -> QDialog | None:
        """A Word report (last year's, or a department's chapters): preview, then one undo step."""
        from desktop import word_import

        plan = self._plan_import(path, "导入 Word 报告", self.report.file.path.parent,
                                 "Word 文档 (*.docx *.doc *.wps);;所有文件 (*)",
                                 word_import.plan_word_import)
        if plan is None:
            return None
        lines = [f"无法导入：{n}" for n in plan.problems()]
        lines += plan.preview()
        if plan.values is not None:
            lines += [f"  {c.describe()}" for c in plan.values.changes]
            lines += [f"注意：{n}" for n in plan.values.notes]
        lines += [f"注意：{n}" for n in plan.notes]
        lines.append("文档中的章节将替换本报告中同名的章节，其余章节不变；导入前会自动备份，可以撤销。")
        changes = len(plan.values.changes) if plan.values is not None else 0
        return self._preview_dialog(
            "导入 Word 报告：预览", plan.summary(), "\n".join(lines),
            f"导入 {len(plan.chapters)} 章和 {changes} 个数值",
            plan.ok and bool(plan.chapters or changes or plan.stated),
            QSize(680, 520), lambda: self._apply_word_import(plan))

    def _apply_word_import(self, plan) -> None:
        if not self._backup_before_import():
            return
        self.undo_stack.push(WordImportCommand(self.report, plan, self.notifier))
        self.statusBar().showMessage(f"已从 {plan.source.name} 导入 {len(plan.chapters)} 章。", 10000)

    # ------------------------------------------------------------ export
    def export(self, kind: str, out: Path | None = None, department: str = "") -> bool:
        spec = KINDS[kind]
        if kind == "collect" and not department:
            department = self._choose_department()
            if not department:
                return False
        if out is None:
            suggested = self.work_folder() / spec.default_name(self.report, department)
            chosen, _ = QFileDialog.getSaveFileName(
                self, f"导出 {spec.what(self.report.template)}", str(suggested), spec.file_filter
            )
            if not chosen:
                return False
            out = Path(chosen)
            if out.suffix.lower() != spec.suffix:
                out = out.with_name(out.name + spec.suffix)
        if self.exports.busy():
            self.statusBar().showMessage("上一个导出还没有完成。", 5000)
            return False
        self.exports.start(self.report.file.path, kind, out, department)
        return True

    def print_report(self) -> bool:
        """打印…: the whole report as PDF, opened in the system's viewer, which prints."""
        import tempfile
        from datetime import datetime

        folder = Path(tempfile.gettempdir()) / "qreport-打印"
        folder.mkdir(parents=True, exist_ok=True)
        # a new name each time: the last one may still be open in the viewer
        out = folder / f"{self.report.file.path.stem}-{datetime.now():%Y%m%d-%H%M%S}.pdf"
        if self.exports.busy():
            self.statusBar().showMessage("上一个导出还没有完成。", 5000)
            return False
        self.exports.start(self.report.file.path, "pdf", out, open_when_done=True)
        return True

    def work_folder(self) -> Path:
        """Where new reports and exports are offered: the open report's folder, or the
        user's Documents when that is the program's own data folder (the sample)."""
        from PySide6.QtCore import QStandardPaths

        folder = self.report.file.path.resolve().parent
        data = settings_mod.data_dir().resolve()
        if folder == data or data in folder.parents:
            documents = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation)
            folder = Path(documents) if documents else Path.home()
        return folder

    def _choose_department(self) -> str:
        from PySide6.QtWidgets import QInputDialog

        departments = list(self.report.template.departments)
        department, ok = QInputDialog.getItem(
            self, "部门采集表", "为哪个部门生成采集表？", departments, 0, False
        )
        return department if ok else ""

    # ------------------------------------------------------------ misc
    def _message(self, icon, title: str, text: str) -> QMessageBox:
        """A non-blocking message box: the window (and the tests) keep running."""
        box = QMessageBox(icon, title, text, parent=self)
        box.open()
        self._keep(box)
        return box

    def _keep(self, dialog: QWidget) -> None:
        # closed boxes and dialogs would otherwise stay behind as hidden children
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialogs = [d for d in self._dialogs if isValid(d) and d.isVisible()] + [dialog]

    def show_history(self):
        from desktop.ui.history_dialog import HistoryDialog

        self.commit_pending_edits()  # what was just typed belongs in the record
        dialog = HistoryDialog(self.report, self)
        dialog.show()
        return dialog

    def show_help(self):
        """F1: the guide, beside the window (one instance; F1 again brings it forward)."""
        from desktop.ui.help_dialog import HelpDialog

        for dialog in self._dialogs:
            if isinstance(dialog, HelpDialog) and isValid(dialog) and dialog.isVisible():
                dialog.raise_()
                dialog.activateWindow()
                return dialog
        dialog = HelpDialog(self)
        dialog.show()
        self._keep(dialog)
        return dialog

    def _about(self) -> None:
        self._message(
            QMessageBox.Icon.Information, "关于 qreport",
            "qreport：中等职业教育质量年度报告的编写、核对与导出。\n"
            f"当前报告：{self.report.template.title}\n报告版本：{self.report.template.name}\n"
            "使用说明：帮助 → 使用说明（F1）",
        )

    def _daily_backup(self) -> None:
        try:
            from desktop import backups

            made = backups.daily_backup(self.report.file)
        except Exception as exc:  # a full disk must not stop the user from working
            self.statusBar().showMessage(f"自动备份失败：{_sentence(exc, self.report.file.path)}", 10000)
            return
        if made is not None:
            self.statusBar().showMessage("已自动备份。", 4000)

    def commit_pending_edits(self) -> None:
        """An open editor commits when it loses focus: take the focus, so closing the
        window or switching files never drops what was just typed; chapter text held back
        for the input method is committed too."""
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus):
            self.setFocus(Qt.FocusReason.OtherFocusReason)
            QApplication.processEvents()
        self._commit_chapter_text()

    def _commit_chapter_text(self) -> None:
        for tab in self.chapter_tabs.values():
            commit = getattr(tab, "commit_pending", None)
            if commit is not None:
                commit()

    def _undo(self) -> None:
        self._commit_chapter_text()  # the focus stays where the user is working
        self.undo_stack.undo()

    def _redo(self) -> None:
        self._commit_chapter_text()
        self.undo_stack.redo()

    def unsaved_refusals(self) -> list[tuple[QWidget, str]]:
        """Typed text the file refused and that is still shown, waiting for a correction:
        (the field or cell editor, what to say). Closing would lose it."""
        found: list[tuple[QWidget, str]] = []
        for tab in self.data_tabs:
            refusal = tab.pending_refusal()
            if refusal is not None:
                found.append(refusal)
        for tab in self.chapter_tabs.values():
            facts = tab.editor.facts
            if facts is not None:
                found.extend(facts.refused.items())
        return found

    def _ask_before_losing(self, refusals) -> QMessageBox:
        lines = "\n".join(f"· {message}" for _, message in refusals[:5])
        box = QMessageBox(QMessageBox.Icon.Warning, "有内容没有保存",
                          f"以下输入无法保存，关闭后将丢失：\n{lines}\n\n"
                          "要返回修改，还是放弃这些输入并关闭？", parent=self)
        back = box.addButton("返回修改", QMessageBox.ButtonRole.RejectRole)
        box.addButton("放弃并关闭", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(back)
        widget = refusals[0][0]

        def answered(button) -> None:
            if button is back:
                owner = self.tabs.indexOf(widget)
                for i in range(self.tabs.count()):
                    if self.tabs.widget(i).isAncestorOf(widget):
                        owner = i
                if owner >= 0:
                    self.tabs.setCurrentIndex(owner)
                    focus = getattr(self.tabs.widget(owner), "focus_refusal", None)
                    if focus is not None:
                        focus()
                widget.setFocus()
            else:
                self._discard_refusals = True
                self.close()

        box.buttonClicked.connect(answered)
        box.open()
        self._keep(box)
        return box

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:
            super().closeEvent(event)
            return
        refusals = [] if getattr(self, "_discard_refusals", False) else self.unsaved_refusals()
        if refusals:
            # a refused value is never lost in silence: ask (without blocking)
            event.ignore()
            self._ask_before_losing(refusals)
            return
        self._closed = True
        self.commit_pending_edits()
        if self.exports.busy():
            self.statusBar().showMessage("正在等待导出完成…")
            self.exports.wait(60000)
        if self.interactive:
            self.settings.window_geometry = bytes(self.saveGeometry().toHex()).decode("ascii")
            self.settings.window_state = bytes(self.saveState().toHex()).decode("ascii")
            self.settings.splitters = dict(REMEMBERED)
            settings_mod.save(self.settings)
        self.undo_stack.indexChanged.disconnect(self._on_index_changed)
        self.undo_stack.clear()
        self.check_timer.stop()
        self.backup_timer.stop()
        if self.find_dialog is not None:
            self.find_dialog.timer.stop()  # a search typed just before must not read a closed file
            self.find_dialog.close()
        self._shut_views()
        self.report.close()
        self.listener.close()
        _release(self.lock)
        self.lock = None
        super().closeEvent(event)


def _imported_extras(plan) -> str:
    """"和 2 条备注", "、2 条备注和 1 张表": what an Excel import changes besides values."""
    counts = ((len(plan.note_changes), "条备注"), (len(plan.tables), "张表"))
    extras = [f"{n} {what}" for n, what in counts if n]
    if len(extras) == 2:
        return f"、{extras[0]}和 {extras[1]}"
    return f"和 {extras[0]}" if extras else ""
