"""python-docx finds its templates as docx/parts/../templates/…: the folder docx/parts must
exist on disk beside them, so its modules travel as files too, not only inside the archive."""

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("docx", include_py_files=True)
