"""The MES database: the inverters the plant made, and the fields of them it shares.

A device's identifier is `<system code>/<serial>`. Each shared field is read from one column and
given the type its GraphQL field has, so that the value committed to is the value served.
"""

import json
import os
import sqlite3
import urllib.parse
from contextlib import closing
from dataclasses import dataclass


@dataclass(frozen=True)
class SharedField:
    """One `Device` field the system shares."""

    name: str
    graphql_type: str
    description: str
    column: str


FACTORY_TEST_TYPE = "MesFactoryTest"
FACTORY_TEST_MEMBERS = {
    "efficiencyPct": ("Float", "Peak conversion efficiency measured at the end of line, in %."),
    "insulationMohm": ("Float", "Insulation resistance, in MΩ."),
    "passed": ("Boolean", "Whether the inverter passed the end-of-line test."),
    "testedAt": ("String", "When it was tested, ISO 8601."),
}

SHARED_FIELDS = (
    SharedField("serialNumber", "String", "The maker's serial number.", "serial"),
    SharedField("inverterModel", "String", "The inverter model.", "model"),
    SharedField("ratedPowerKw", "Float", "Rated AC output power, in kW.", "rated_power_kw"),
    SharedField("mpptCount", "Int", "Number of MPP trackers.", "mppt_count"),
    SharedField("firmwareVersion", "String", "Firmware shipped from the factory.", "firmware"),
    SharedField("manufacturedOn", "String", "Date of manufacture, ISO 8601.", "produced_on"),
    SharedField("factoryTest", FACTORY_TEST_TYPE, "The end-of-line test report.", "factory_test"),
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS inverters (
  serial TEXT PRIMARY KEY,
  model TEXT NOT NULL,
  rated_power_kw REAL NOT NULL,
  mppt_count INTEGER NOT NULL,
  firmware TEXT NOT NULL,
  produced_on TEXT NOT NULL,
  factory_test TEXT NOT NULL
) STRICT
"""

SEED_ROWS = (
    ("INV-0001", "SG-110CX", 110.0, 9, "2.4.1", "2026-03-02", 98.7, 550.0, True),
    ("INV-0002", "SG-110CX", 110.0, 9, "2.4.1", "2026-03-02", 98.6, 610.0, True),
    ("INV-0003", "SG-250HX", 250.0, 12, "3.0.0", "2026-04-17", 99.0, 480.5, True),
    ("INV-0004", "SG-250HX", 250.0, 12, "3.0.0", "2026-04-18", 97.9, 12.0, False),
)


def seed(path):
    """Creates the MES database at `path` with a few inverters; refuses to overwrite one."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute(_SCHEMA)
            if connection.execute("SELECT count(*) FROM inverters").fetchone()[0] > 0:
                raise FileExistsError(f"{path} already holds inverters; nothing was changed")
            for serial, model, power, mppt, firmware, day, eff, insulation, passed in SEED_ROWS:
                test = {
                    "efficiencyPct": eff,
                    "insulationMohm": insulation,
                    "passed": passed,
                    "testedAt": f"{day}T16:00:00Z",
                }
                connection.execute(
                    "INSERT INTO inverters VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (serial, model, power, mppt, firmware, day, json.dumps(test)),
                )
    finally:
        connection.close()
    return len(SEED_ROWS)


def record_firmware(path, serial, version):
    """The MES's own write path: records a firmware update of one inverter.

    Raises LookupError when the MES made no inverter of that serial."""
    with closing(sqlite3.connect(path, timeout=10)) as connection, connection:
        changed = connection.execute(
            "UPDATE inverters SET firmware = ? WHERE serial = ?", (version, serial)
        ).rowcount
    if changed != 1:
        raise LookupError(f"the MES made no inverter {serial}")


class MesStore:
    """Reads the inverters' shared fields; one connection per call, read-only."""

    def __init__(self, path, system_code):
        # Read-only: the system shares its records, it never writes them from here.
        self._uri = f"file:{urllib.parse.quote(os.path.abspath(path))}?mode=ro"
        self._prefix = f"{system_code}/"

    def device_ids(self):
        """Every device the system shares, by identifier."""
        with self._connect() as connection:
            rows = connection.execute("SELECT serial FROM inverters ORDER BY serial").fetchall()
        return [self._prefix + serial for (serial,) in rows]

    def load(self, device_ids):
        """The shared values of these devices, by identifier; unknown ones are left out."""
        serials = [i[len(self._prefix) :] for i in device_ids if i.startswith(self._prefix)]
        if not serials:
            return {}
        columns = ", ".join(f.column for f in SHARED_FIELDS)
        query = f"SELECT {columns} FROM json_each(?) AS j JOIN inverters ON serial = j.value"
        with self._connect() as connection:
            rows = connection.execute(query, (json.dumps(serials),)).fetchall()
        records = {}
        for row in rows:
            record = {f.name: _typed(f.graphql_type, v) for f, v in zip(SHARED_FIELDS, row)}
            records[self._prefix + record["serialNumber"]] = record
        return records

    def _connect(self):
        return closing(sqlite3.connect(self._uri, uri=True, timeout=5))


def _typed(graphql_type, value):
    """A column's value as its GraphQL field carries it."""
    if value is None:
        return None
    if graphql_type == "Float":
        return float(value)
    if graphql_type == "Int":
        return int(value)
    if graphql_type == "Boolean":
        return bool(value)
    if graphql_type == FACTORY_TEST_TYPE:
        report = json.loads(value)
        return {
            name: _typed(member_type, report.get(name))
            for name, (member_type, _) in FACTORY_TEST_MEMBERS.items()
        }
    return str(value)
