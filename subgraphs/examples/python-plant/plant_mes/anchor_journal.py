"""The anchor journal: per (device, field), the salt and commitment last anchored on the ledger.

The system reveals a value's salt when it serves the value, so that the gateway can recompute
the commitment; the journal never leaves the system otherwise, and its file is the system's
user's only (0600).
"""

import json
import os
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass

_SCHEMA = """
CREATE TABLE IF NOT EXISTS anchor_journal (
  device_id TEXT NOT NULL,
  field TEXT NOT NULL,
  field_code TEXT NOT NULL,
  salt TEXT NOT NULL,
  commitment TEXT NOT NULL,
  tx_id TEXT NOT NULL,
  anchored_at TEXT NOT NULL,
  PRIMARY KEY (device_id, field)
) STRICT, WITHOUT ROWID
"""


@dataclass(frozen=True)
class JournalEntry:
    device_id: str
    field: str
    field_code: str
    salt: str
    commitment: str
    tx_id: str = ""
    anchored_at: str = ""


class AnchorJournal:
    """The journal in its SQLite file; one writer (the anchoring thread), many readers."""

    def __init__(self, path):
        self._path = path
        self._write_lock = threading.Lock()
        # Owner-only before a byte is written: the file holds the salts.
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(descriptor)
        os.chmod(path, 0o600)
        with closing(self._connect()) as connection:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute(_SCHEMA)

    def lookup(self, device_ids):
        """The entries of these devices, by (device id, field)."""
        query = (
            "SELECT device_id, field, field_code, salt, commitment, tx_id, anchored_at"
            " FROM json_each(?) AS j JOIN anchor_journal ON device_id = j.value"
        )
        with closing(self._connect()) as connection:
            rows = connection.execute(query, (json.dumps(list(device_ids)),)).fetchall()
        return {(row[0], row[1]): JournalEntry(*row) for row in rows}

    def record(self, entries):
        """Records entries the ledger now holds, replacing those of the same (device, field)."""
        with self._write_lock, closing(self._connect()) as connection, connection:
            connection.executemany(
                "INSERT INTO anchor_journal VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (device_id, field) DO UPDATE SET field_code = excluded.field_code,"
                " salt = excluded.salt, commitment = excluded.commitment,"
                " tx_id = excluded.tx_id, anchored_at = excluded.anchored_at",
                [
                    (
                        e.device_id,
                        e.field,
                        e.field_code,
                        e.salt,
                        e.commitment,
                        e.tx_id,
                        e.anchored_at,
                    )
                    for e in entries
                ],
            )

    def _connect(self):
        return sqlite3.connect(self._path, timeout=10)
