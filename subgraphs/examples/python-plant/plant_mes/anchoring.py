"""Anchors the commitments of the system's values on the ledger, through the registry API.

A pass reads every device's values, commits to each (device, field) value with a fresh salt when
it is new, anchors the commitments in batches and records the salts in the journal once the
ledger holds them. An unchanged value keeps its salt. A changed value of a `refuse` field is left
as it is, so an edit behind the system's back stays detectable as tampering; only the system's
own write path may vouch for a change (`anchor_now`). A value is new only when the ledger holds
no anchor of it: one the ledger has but the journal lost is reported, not anchored again.
"""

import datetime
import threading

from .commitment import commit_field, new_salt
from .anchor_journal import JournalEntry

BATCH = 500


class Anchorer:
    """Anchoring passes over the MES's shared fields, one at a time."""

    def __init__(self, store, journal, registry, shared_fields, log):
        self._store = store
        self._journal = journal
        self._registry = registry
        self._shared = [f.name for f in shared_fields]
        self._log = log
        self._lock = threading.Lock()

    def anchor_pass(self):
        """One scheduled pass over every device; returns (anchored, unprovable)."""
        with self._lock:
            return self._pass(self._store.device_ids(), vouched=False)

    def anchor_now(self, device_ids):
        """Anchors the current values of these devices, changed ones included: the system's
        write path vouches for them."""
        with self._lock:
            return self._pass(list(device_ids), vouched=True)

    def _pass(self, device_ids, vouched):
        registered = self._registry.fields()
        fields = [(name, *registered[name]) for name in self._shared if name in registered]
        anchored = unprovable = 0
        if not fields:
            return anchored, unprovable
        for start in range(0, len(device_ids), BATCH):
            done, lost = self._batch(device_ids[start : start + BATCH], fields, vouched)
            anchored += done
            unprovable += lost
        if anchored:
            self._log(f"anchored {anchored} field commitments")
        return anchored, unprovable

    def _batch(self, device_ids, fields, vouched):
        records = self._store.load(device_ids)
        known = self._journal.lookup(device_ids)
        pending, unjournaled = [], []
        for device_id, record in records.items():
            for name, code, policy in fields:
                value = record.get(name)
                entry = known.get((device_id, name))
                if entry is None or entry.field_code != code:
                    unjournaled.append((_fresh(device_id, name, code, value), policy))
                elif commit_field(device_id, code, entry.salt, value) == entry.commitment:
                    continue
                elif vouched or policy == "release-unverified":
                    pending.append(_fresh(device_id, name, code, value))
        lost = []
        if unjournaled and not vouched:
            on_ledger = self._registry.anchored(
                [(e.device_id, e.field_code) for e, _ in unjournaled]
            )
            lost = [
                (e, p) for (e, p), held in zip(unjournaled, on_ledger) if held and p == "refuse"
            ]
        lost_keys = {(e.device_id, e.field) for e, _ in lost}
        pending += [e for e, _ in unjournaled if (e.device_id, e.field) not in lost_keys]
        if lost:
            named = ", ".join(f"{e.device_id} {e.field}" for e, _ in lost[:20])
            self._log(
                f"{len(lost)} values are anchored on the ledger but missing from the anchor"
                f" journal; they are not anchored again and stay unverifiable: {named}"
            )
        if not pending:
            return 0, len(lost)
        tx_id = self._registry.anchor(
            [
                {"deviceId": e.device_id, "fieldCode": e.field_code, "commitment": e.commitment}
                for e in pending
            ],
            vouched=vouched,
        )
        at = datetime.datetime.now(datetime.timezone.utc).isoformat()
        self._journal.record(
            [
                JournalEntry(e.device_id, e.field, e.field_code, e.salt, e.commitment, tx_id, at)
                for e in pending
            ]
        )
        return len(pending), len(lost)


def _fresh(device_id, field, code, value):
    salt = new_salt()
    return JournalEntry(device_id, field, code, salt, commit_field(device_id, code, salt, value))
