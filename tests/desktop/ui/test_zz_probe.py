from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from desktop.ui.data_table import COL_CUR

def test_probe(data_tab, on_disk, qtbot, window):
    view = data_tab.view
    model = data_tab.model
    row = model.row_of["graduates"]
    idx = model.index(row, COL_CUR)
    view.setCurrentIndex(idx)
    view.setFocus()
    qtbot.keyClick(view, "2")
    ed = QApplication.focusWidget()
    print(type(ed), ed.text() if isinstance(ed, QLineEdit) else None)
    qtbot.keyClicks(ed, "300")
    qtbot.keyClick(ed, Qt.Key.Key_Return)
    print(on_disk.value("graduates", 2021), view.currentIndex().row(), row, window.undo_stack.count())
    print("focus", QApplication.focusWidget())
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    print("after undo", on_disk.value("graduates", 2021), window.isActiveWindow(), window.undo_stack.index())
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    print("after undo2", on_disk.value("graduates", 2021), window.undo_stack.index())
