"""A PV inverter maker's manufacturing execution system (MES), shared with gridmark.

The system keeps its own SQLite database, serves a Federation 2 subgraph of the inverters it
made, checks the gateway's grant on every request and anchors its values' commitments on the
ledger through the registry API.
"""

PROTOCOL_VERSIONS = [1]
