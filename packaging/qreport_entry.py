"""Entry point of the bundled executable (PyInstaller runs this file as __main__)."""

import multiprocessing

from desktop.cli import run

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless when unused; required if a worker forks on Windows
    run()
