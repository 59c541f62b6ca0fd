"""A second start on a file that is already open brings that window forward.

Each window listens on a local socket named after its file (QLocalServer); a new process
that wants the same file connects to that name first and, when a window answers, exits
instead of meeting the file lock. Only a process that holds the file's lock listens on its
name, so a stale socket left by a crash can safely be removed before listening.
"""

from __future__ import annotations

import getpass
import hashlib
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_MS = 300


def server_name(path: Path | str) -> str:
    """One name per file and user (paths on Windows are case-insensitive)."""
    text = str(Path(path).resolve())
    if sys.platform == "win32":
        text = text.lower()
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name (a service account): one name for all
        user = ""
    digest = hashlib.sha1(f"{user}\n{text}".encode()).hexdigest()[:20]
    return f"qreport-{digest}"


def hand_over(path: Path | str) -> bool:
    """Ask a running window that has `path` open to come forward; True when one did."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(path))
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(b"show\n")
    socket.flush()
    socket.waitForBytesWritten(CONNECT_MS)
    socket.disconnectFromServer()
    return True


class Listener(QObject):
    """Listens on the open file's name; `activated` when a second start asks for it."""

    activated = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._connected)

    def listen(self, path: Path | str) -> bool:
        self.server.close()
        name = server_name(path)
        QLocalServer.removeServer(name)  # a crashed owner's socket file (we hold the lock)
        return self.server.listen(name)

    def close(self) -> None:
        self.server.close()

    def _connected(self) -> None:
        while self.server.hasPendingConnections():
            connection = self.server.nextPendingConnection()
            connection.disconnected.connect(connection.deleteLater)
            connection.disconnectFromServer()
        self.activated.emit()
