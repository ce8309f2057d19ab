#!/usr/bin/env python3
"""The peer for bench/run.sh: what the original Python template did, no more.

JSON store: json.load the whole file, change the dict, json.dump(indent=2) to a
temp file in the same folder, os.replace it over the data file.
SQLite store: table (id TEXT PRIMARY KEY, data TEXT, created_at, updated_at),
one JSON blob of the fields per row.

    template.py add-json FILE          add one record {name: "x"} to a JSON store
    template.py list-json FILE         load the JSON store, print its record count
    template.py export DB FILE [TABLE] SQLite table (default items) -> JSON store file
    template.py list-empty [DB]        cold start: import json+sqlite3, open an
                                       empty SQLite store and list it
"""

import json
import os
import sqlite3
import sys
import tempfile
import uuid
from datetime import datetime, timezone

FIELDS_DEFAULTS = {"count": 0, "status": "active", "tags": []}


def now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def load_json(path):
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save_json(path, data):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
    os.replace(tmp, path)


def open_db(path, table="items"):
    conn = sqlite3.connect(path)
    conn.execute(f'CREATE TABLE IF NOT EXISTS "{table}" (id TEXT PRIMARY KEY, data TEXT, '
                 "created_at TEXT, updated_at TEXT)")
    return conn


def record_from_row(row):
    rid, data, created, updated = row
    return {"id": rid, **json.loads(data), "created_at": created, "updated_at": updated}


def add_json(path):
    data = load_json(path)
    ts = now()
    rid = str(uuid.uuid4())
    data[rid] = {"id": rid, "name": "x", **FIELDS_DEFAULTS, "created_at": ts, "updated_at": ts}
    save_json(path, data)
    print(rid)


def list_json(path):
    print(len(load_json(path)))


def export(db, path, table="items"):
    conn = open_db(db, table)
    rows = conn.execute(f'SELECT id, data, created_at, updated_at FROM "{table}" '
                        "ORDER BY created_at, id")
    data = {row[0]: record_from_row(row) for row in rows}
    save_json(path, data)
    print(f"exported {len(data)} records to {path}", file=sys.stderr)


def list_empty(db):
    os.makedirs(os.path.dirname(os.path.abspath(db)), exist_ok=True)
    conn = open_db(db)
    for row in conn.execute("SELECT id, data, created_at, updated_at FROM items "
                            "ORDER BY created_at, id"):
        print(json.dumps(record_from_row(row)))


def main(argv):
    if not argv:
        sys.exit(__doc__)
    cmd, args = argv[0], argv[1:]
    if cmd == "add-json" and len(args) == 1:
        add_json(args[0])
    elif cmd == "list-json" and len(args) == 1:
        list_json(args[0])
    elif cmd == "export" and len(args) in (2, 3):
        export(*args)
    elif cmd == "list-empty" and len(args) <= 1:
        list_empty(args[0] if args else
                   os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                ".build-bench", "work", "empty-template.db"))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
