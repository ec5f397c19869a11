import os
import sqlite3
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from plant_mes.anchor_journal import AnchorJournal  # noqa: E402
from plant_mes.anchoring import Anchorer  # noqa: E402
from plant_mes.commitment import commit_field  # noqa: E402
from plant_mes.mes_store import SHARED_FIELDS, MesStore, seed  # noqa: E402

INV2 = "88.1001.1/INV-0002"
VALUES = len(SHARED_FIELDS) * 4


class FakeRegistry:
    """The registry API's anchoring calls over a dict standing for the ledger."""

    def __init__(self, policies):
        self.codes = {f.name: f"88.1001.1.F{i:04d}" for i, f in enumerate(SHARED_FIELDS, 1)}
        self.policies = policies
        self.ledger = {}
        self.batches = []

    def fields(self):
        return {
            name: (code, self.policies.get(name, "refuse")) for name, code in self.codes.items()
        }

    def anchored(self, keys):
        return [key in self.ledger for key in keys]

    def anchor(self, commitments, vouched=False):
        self.batches.append((len(commitments), vouched))
        for c in commitments:
            self.ledger[(c["deviceId"], c["fieldCode"])] = c["commitment"]
        return f"tx-{len(self.batches)}"


class AnchoringTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.database = os.path.join(self.dir.name, "mes.db")
        seed(self.database)
        self.store = MesStore(self.database, "88.1001.1")
        self.registry = FakeRegistry({"firmwareVersion": "release-unverified"})
        self.logged = []

    def tearDown(self):
        self.dir.cleanup()

    def anchorer(self, journal_name="journal.db"):
        journal = AnchorJournal(os.path.join(self.dir.name, journal_name))
        return (
            Anchorer(self.store, journal, self.registry, SHARED_FIELDS, self.logged.append),
            journal,
        )

    def edit(self, sql):
        with sqlite3.connect(self.database) as connection:
            connection.execute(sql)

    def test_anchors_every_value_once_and_journals_the_salts_the_ledger_holds(self):
        anchorer, journal = self.anchorer()
        self.assertEqual(anchorer.anchor_pass(), (VALUES, 0))
        self.assertEqual(anchorer.anchor_pass(), (0, 0))
        entry = journal.lookup([INV2])[(INV2, "inverterModel")]
        code = self.registry.codes["inverterModel"]
        self.assertEqual(entry.commitment, self.registry.ledger[(INV2, code)])
        self.assertEqual(entry.commitment, commit_field(INV2, code, entry.salt, "SG-110CX"))
        self.assertEqual(entry.tx_id, "tx-1")
        self.assertEqual(os.stat(os.path.join(self.dir.name, "journal.db")).st_mode & 0o777, 0o600)

    def test_leaves_a_changed_refuse_value_to_be_found_and_anchors_it_when_vouched(self):
        anchorer, _ = self.anchorer()
        anchorer.anchor_pass()
        self.edit("UPDATE inverters SET model = 'SG-999' WHERE serial = 'INV-0002'")
        self.assertEqual(anchorer.anchor_pass(), (0, 0))
        self.assertEqual(anchorer.anchor_now([INV2]), (1, 0))
        self.assertEqual(self.registry.batches[-1], (1, True))

    def test_anchors_a_changed_release_unverified_value_on_a_scheduled_pass(self):
        anchorer, _ = self.anchorer()
        anchorer.anchor_pass()
        self.edit("UPDATE inverters SET firmware = '2.5.0' WHERE serial = 'INV-0002'")
        self.assertEqual(anchorer.anchor_pass(), (1, 0))
        self.assertEqual(self.registry.batches[-1], (1, False))

    def test_does_not_anchor_again_what_the_ledger_holds_and_the_journal_lost(self):
        anchorer, _ = self.anchorer()
        anchorer.anchor_pass()
        fresh, _ = self.anchorer("another-journal.db")
        # Only the release-unverified field may be anchored again; the rest are reported.
        self.assertEqual(fresh.anchor_pass(), (4, VALUES - 4))
        self.assertIn("missing from the anchor journal", self.logged[-2] + self.logged[-1])

    def test_anchors_nothing_of_fields_not_registered(self):
        self.registry.codes = {"inverterModel": "88.1001.1.F0002"}
        anchorer, _ = self.anchorer()
        self.assertEqual(anchorer.anchor_pass(), (4, 0))


if __name__ == "__main__":
    unittest.main()
