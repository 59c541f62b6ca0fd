"""The schema of a report file as it matters, and how it differs from the one its
migrations make (db/schema_shape.py, generated from db/schema.py): a file whose tables
another program changed is refused rather than written into."""

from __future__ import annotations

import sqlite3

from db import schema_shape


def shape(conn: sqlite3.Connection) -> dict:
    """Tables with their columns and foreign keys, indexes with their columns, views and
    triggers: the schema as it matters, independent of how its SQL text was spelled."""
    shape: dict = {}
    rows = conn.execute(
        "SELECT type, name, tbl_name FROM sqlite_master "
        "WHERE name NOT LIKE 'sqlite_%' AND tbl_name != '_sqlite_migrations'"
    ).fetchall()
    for kind, name, table in rows:
        quoted = '"' + name.replace('"', '""') + '"'
        if kind == "table":
            columns = tuple((r[1], (r[2] or "").upper(), r[3], r[5])
                            for r in conn.execute(f"PRAGMA table_info({quoted})"))
            keys = tuple(sorted(tuple(r[2:5]) for r in conn.execute(f"PRAGMA foreign_key_list({quoted})")))
            shape[(kind, name)] = (columns, keys)
        elif kind == "index":
            shape[(kind, name)] = (table, tuple(r[2] for r in conn.execute(f"PRAGMA index_info({quoted})")))
        else:
            shape[(kind, name)] = table
    return shape


_KINDS = {"table": "表", "index": "索引", "view": "视图", "trigger": "触发器"}


def problem(conn: sqlite3.Connection, applied: set[str]) -> str | None:
    """How the file's schema differs from the one its migrations make, if it does."""
    names = schema_shape.MIGRATIONS
    done = next((n for n, name in enumerate(names) if name not in applied), len(names))
    expected, found = schema_shape.SHAPES[done], shape(conn)
    for key in expected:
        if key not in found:
            return f"少了{_KINDS.get(key[0], key[0])} {key[1]}"
    for key in found:
        if key not in expected:
            return f"多了{_KINDS.get(key[0], key[0])} {key[1]}"
    for key, value in expected.items():
        if found[key] != value:
            return f"{_KINDS.get(key[0], key[0])} {key[1]} 的列或键被改动过"
    return None
