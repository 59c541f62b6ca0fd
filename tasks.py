#!/usr/bin/env python3
"""Developer entry points that set up their own environment (Python 3.11+ only needed).

    python3 tasks.py app     open qreport on the sample report
    python3 tasks.py test    lint and run the whole test suite
    python3 tasks.py bench   run the benchmarks

The virtual environment lives in .venv and is refreshed whenever pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".pyproject-sha256"
# Shared libraries Qt's offscreen platform and poppler's command-line tools need on Debian.
# LibreOffice (with CJK fonts) reads back the .docx and .xlsx we write, as a school's office suite would;
# python3-uno lets a test have it update the .docx's 目录 as its 工具 → 更新 does.
DEBIAN_PACKAGES = ["poppler-utils", "libegl1", "libgl1", "libxkbcommon0", "libfontconfig1",
                   "libdbus-1-3", "libglib2.0-0", "libreoffice-writer-nogui", "libreoffice-calc-nogui",
                   "fonts-noto-cjk", "python3-uno"]


def run(*cmd, **kw) -> None:
    print("+", " ".join(map(str, cmd)), flush=True)
    subprocess.run(list(map(str, cmd)), check=True, **kw)


def ensure_env() -> None:
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PY.exists() and STAMP.exists() and STAMP.read_text().strip() == want:
        return
    if not PY.exists():
        run(sys.executable, "-m", "venv", VENV)
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test,package]")
    STAMP.write_text(want)


def ensure_system_packages() -> None:
    """Install poppler and Qt's libraries on Debian when missing and allowed (CI runs as root)."""
    if sys.platform != "linux" or not shutil.which("apt-get"):
        return
    missing = [p for p in DEBIAN_PACKAGES
               if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0]
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if sudo is None:
        print(f"please install: {' '.join(missing)}", file=sys.stderr)
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run([*sudo, "apt-get", "install", "-y", "-q", *missing], env=env).returncode:
        run(*sudo, "apt-get", "update", "-q", env=env)
        run(*sudo, "apt-get", "install", "-y", "-q", *missing, env=env)


def main(argv: list[str]) -> int:
    task = argv[0] if argv else "app"
    ensure_env()
    if task == "app":
        return subprocess.run([BIN / "qreport", *argv[1:]]).returncode
    if task == "test":
        ensure_system_packages()
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        run(BIN / "ruff", "check", ".", cwd=ROOT)
        return subprocess.run([PY, "-m", "pytest", *argv[1:]], cwd=ROOT, env=env).returncode
    if task == "bench":
        ensure_system_packages()
        return subprocess.run([PY, ROOT / "benchmarks" / "run_all.py", *argv[1:]], cwd=ROOT).returncode
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
