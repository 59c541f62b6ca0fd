"""The PySide6 user interface: the only package that imports Qt (see DESIGN.md, Layers).

Submodules are imported by `desktop.cli` only for the `gui` and `screenshots` commands,
so the command line and the exporters never pay for loading Qt.
"""
