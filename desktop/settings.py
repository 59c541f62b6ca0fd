"""User settings and where things live, in one place with typed defaults.

Stored as JSON in the user's config folder. QREPORT_HOME, when set, puts config, data
and backups under that folder instead (tests and portable installs use it).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from msgspec import Struct, field
from msgspec.structs import asdict, fields

APP = "qreport"
MAX_RECENT = 10


def _base(kind: str) -> Path:
    home = os.environ.get("QREPORT_HOME")
    if home:
        return Path(home) / kind
    import platformdirs

    if kind == "config":
        return Path(platformdirs.user_config_dir(APP, appauthor=False))
    if kind == "cache":
        return Path(platformdirs.user_cache_dir(APP, appauthor=False))
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    return _base("config")


def data_dir() -> Path:
    return _base("data")


def cache_dir() -> Path:
    """What can be rebuilt (parsed fonts): safe to delete at any time."""
    return _base("cache")


def backup_dir() -> Path:
    """Automatic backups: outside the report's own folder, so one lost folder loses less."""
    return data_dir() / "backups"


def sample_path() -> Path:
    return data_dir() / "示例报告.qreport"


class Settings(Struct):
    recent_files: list[str] = field(default_factory=list)
    window_geometry: str = ""  # Qt's saveGeometry() as hex
    window_state: str = ""
    backups_kept: int = 10  # per report file
    user_name: str = ""  # shown in the change log instead of the login name when set
    splitters: dict = field(default_factory=dict)  # where the user left the GUI's splitters

    @property
    def last_file(self) -> str:
        return self.recent_files[0] if self.recent_files else ""

    def remember(self, path: Path | str) -> None:
        text = str(Path(path).resolve())
        self.recent_files = [text] + [p for p in self.recent_files if p != text]
        del self.recent_files[MAX_RECENT:]


def _path() -> Path:
    return config_dir() / "settings.json"


def load() -> Settings:
    try:
        raw = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    known = {f.name: f for f in fields(Settings)}
    values = {}
    defaults = Settings()
    for key, value in raw.items() if isinstance(raw, dict) else ():
        # a hand-edited or older file never stops the program: wrong types fall back
        if key in known and isinstance(value, type(getattr(defaults, key))):
            values[key] = value
    return Settings(**values)


def save(settings: Settings) -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=2), encoding="utf-8")
    with contextlib.suppress(OSError):
        os.replace(tmp, path)
