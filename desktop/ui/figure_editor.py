"""Figures in a section: photos with their captions, added by dialog or drag and drop.

Every file is read and passed through desktop.images.prepare, which turns it upright
(EXIF orientation), scales it and re-encodes it, or refuses it with a Chinese sentence;
a refused file stores nothing, the others of the same batch are still added. Thumbnails
come from the stored data, decoded at thumbnail size (fast for JPEG) and cached by photo id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QImageReader, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.store import FigureRow, PhotoRow, ReportFile
from desktop import images
from desktop.ui import chapter_undo as cmd

THUMB = QSize(168, 118)
PhotoIdRole = Qt.ItemDataRole.UserRole + 1

IMAGE_FILTER = "图片 (*.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff *.webp);;所有文件 (*)"


def read_images(
    paths: Iterable[str | Path], progress: Callable[[int], bool] | None = None
) -> tuple[list[cmd.NewPhoto], list[str]]:
    """Prepared photos ready to store, and one sentence per file that was refused.

    `progress(n)` is called before the n-th file; when it returns False reading stops."""
    photos: list[cmd.NewPhoto] = []
    refusals: list[str] = []
    for n, path in enumerate(paths):
        if progress is not None and not progress(n):
            break
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            refusals.append(f"无法读取 {path.name}：{exc.strerror or exc}。")
            continue
        try:
            photo = images.prepare(raw, path.name)
        except images.ImageRefused as exc:
            refusals.append(str(exc))
            continue
        photos.append((photo.data, "", photo.width, photo.height))
    return photos, refusals


def local_files(urls: Sequence[QUrl]) -> list[str]:
    return [u.toLocalFile() for u in urls if u.isLocalFile() and u.toLocalFile()]


def looks_like_images(urls: Sequence[QUrl]) -> bool:
    """Whether a drag carries files to insert as photos. Any local file is accepted so a
    wrong file is refused with a message rather than silently ignored; text drags are not."""
    return bool(local_files(urls))


def choose_image_files(parent: QWidget) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, "插入图片", "", IMAGE_FILTER)
    return paths


def thumbnail(file: ReportFile, photo: PhotoRow, size: QSize = THUMB) -> QPixmap:
    """The photo scaled into `size`, letterboxed on a light background so all tiles align."""
    reader = QImageReader()
    buffer = QBuffer()
    buffer.setData(QByteArray(file.photo_data(photo.id)))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader.setDevice(buffer)
    scaled = QSize(max(1, photo.width), max(1, photo.height)).scaled(
        size, Qt.AspectRatioMode.KeepAspectRatio)
    # JPEG decodes directly at the smaller size: much faster than decoding and scaling.
    reader.setScaledSize(scaled)
    image = reader.read()
    tile = QPixmap(size)
    tile.fill(QColor("#eeeeee"))
    if not image.isNull():
        p = QPainter(tile)
        p.drawImage((size.width() - image.width()) // 2, (size.height() - image.height()) // 2,
                    image)
        p.end()
    return tile


@cache
def _blank_tile() -> QPixmap:
    tile = QPixmap(THUMB)
    tile.fill(QColor("#eeeeee"))
    return tile


class AcceptsImageFiles:
    """Mixin: image files dropped from the file manager go to `files_dropped(paths)`.
    Any local file is accepted so that a wrong one is refused with a message (by
    images.prepare) rather than silently ignored; text drags are not."""

    def files_dropped(self, paths: list[str]) -> None:
        raise NotImplementedError

    def dragEnterEvent(self, event) -> None:
        if looks_like_images(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        paths = local_files(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.files_dropped(paths)


class PhotoStrip(AcceptsImageFiles, QListWidget):
    """The photos of a figure side by side, in printed order; files can be dropped on it."""

    filesDropped = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setIconSize(THUMB)
        self.setGridSize(QSize(THUMB.width() + 16, THUMB.height() + 40))
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFixedHeight(self.gridSize().height() + self.horizontalScrollBar().sizeHint()
                            .height() + 2 * self.frameWidth() + 4)
        self.setAcceptDrops(True)
        self.setDragEnabled(False)

    def files_dropped(self, paths: list[str]) -> None:
        self.filesDropped.emit(paths)


class FigureEditor(QWidget):
    """Photos of one figure: thumbnails, each photo's caption, order, add and delete.

    The figure's own caption and placement are edited in the block header around it.
    """

    def __init__(self, host, figure: FigureRow, parent=None):
        super().__init__(parent)
        self.host = host
        self.figure_id = figure.id
        self.section_id = figure.section
        self.photos: tuple[PhotoRow, ...] = ()
        # Thumbnails are decoded when the figure is first shown, after the frame is drawn:
        # a chapter with 200 photos opens at once, hidden tabs decode nothing.
        self._pending: list[tuple[QListWidgetItem, PhotoRow]] = []

        self.strip = PhotoStrip(self)
        self.strip.currentRowChanged.connect(self._current_changed)
        self.strip.filesDropped.connect(self.add_files)
        self.caption = QLineEdit(self, placeholderText="所选照片的说明（可不填，印在照片下方）")
        self.caption.setClearButtonEnabled(True)
        self.caption.editingFinished.connect(self._commit_caption)
        self.add_button = QPushButton("添加照片…", self, clicked=self.choose_files)
        self.add_button.setToolTip("向此图添加照片；也可将图片文件拖放到照片栏")
        self.left_button = QPushButton("左移", self, clicked=lambda: self.move_photo(-1))
        self.right_button = QPushButton("右移", self, clicked=lambda: self.move_photo(1))
        self.delete_button = QPushButton("删除照片", self, clicked=self.delete_photo)

        caption_row = QHBoxLayout()
        caption_row.setContentsMargins(0, 0, 0, 0)
        caption_row.addWidget(QLabel("照片说明", self))
        caption_row.addWidget(self.caption, 1)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.left_button)
        buttons.addWidget(self.right_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.strip)
        layout.addLayout(caption_row)
        layout.addLayout(buttons)
        self.load(figure)

    def load(self, figure: FigureRow) -> None:
        selected = self.current_photo()
        if [(p.id, p.caption) for p in figure.photos] != [(p.id, p.caption) for p in self.photos]:
            self.strip.blockSignals(True)
            self.strip.clear()
            self._pending = []
            for photo in figure.photos:
                item = QListWidgetItem(_blank_tile(), photo.caption or "（无说明）")
                self._pending.append((item, photo))
                item.setData(PhotoIdRole, photo.id)
                item.setToolTip(f"{photo.caption or '（无说明）'}\n{photo.width} × {photo.height} 像素")
                item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
                if not photo.caption:
                    item.setForeground(QColor("#8a8a8a"))
                self.strip.addItem(item)
            self.strip.blockSignals(False)
            if self.isVisible():
                QTimer.singleShot(0, self._fill_thumbnails)
        self.photos = figure.photos
        ids = [p.id for p in self.photos]
        row = ids.index(selected.id) if selected is not None and selected.id in ids else 0
        if ids:
            self.strip.setCurrentRow(row)
        self._current_changed(self.strip.currentRow())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._pending:
            QTimer.singleShot(0, self._fill_thumbnails)

    def _fill_thumbnails(self) -> None:
        if not self.isVisible():
            # Hidden since this was queued: the figure was deleted (its photos with it),
            # another section or file is shown, or the window closed. A later showEvent
            # queues the thumbnails again.
            return
        pending, self._pending = self._pending, []
        for item, photo in pending:
            if item.listWidget() is self.strip:  # not replaced by a reload meanwhile
                item.setIcon(self.host.thumbnail(photo))

    def current_photo(self) -> PhotoRow | None:
        row = self.strip.currentRow()
        return self.photos[row] if 0 <= row < len(self.photos) else None

    def select_photo(self, photo_id: int) -> None:
        for row, photo in enumerate(self.photos):
            if photo.id == photo_id:
                self.strip.setCurrentRow(row)

    def _current_changed(self, row: int) -> None:
        photo = self.current_photo()
        if self.caption.text() != (photo.caption if photo else ""):
            self.caption.setText(photo.caption if photo else "")
        self.caption.setEnabled(photo is not None)
        self.left_button.setEnabled(photo is not None and row > 0)
        self.right_button.setEnabled(photo is not None and row < len(self.photos) - 1)
        self.delete_button.setEnabled(photo is not None)

    # ------------------------------------------------------------ edits
    def _commit_caption(self) -> None:
        photo = self.current_photo()
        text = self.caption.text().strip()
        if photo is not None and text != photo.caption:
            self.host.push(cmd.SetPhotoCaption(self.host, self.section_id, self.figure_id, photo.id,
                                               photo.caption, text))

    def move_photo(self, delta: int) -> None:
        photo = self.current_photo()
        if photo is None:
            return
        old = self.strip.currentRow()
        new = old + delta
        if 0 <= new < len(self.photos):
            self.host.push(cmd.MovePhoto(self.host, self.section_id, self.figure_id, photo.id,
                                         old, new))
            self.select_photo(photo.id)

    def delete_photo(self) -> None:
        photo = self.current_photo()
        if photo is None:
            return
        if len(self.photos) == 1:
            # the last photo: the figure would print as an empty caption
            self.host.delete_block("figure", self.figure_id)
            return
        self.host.push(cmd.DeletePhoto(self.host, self.section_id, self.figure_id, photo.id))

    def choose_files(self) -> None:
        paths = choose_image_files(self)
        if paths:
            self.add_files(paths)

    def add_files(self, paths: list[str]) -> None:
        self.host.insert_images(paths, figure_id=self.figure_id)
