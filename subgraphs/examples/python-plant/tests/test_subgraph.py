import os
import sqlite3
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from grant_tokens import GatewayKey  # noqa: E402
from plant_mes.anchor_journal import AnchorJournal, JournalEntry  # noqa: E402
from plant_mes.graphql_endpoint import GraphqlEndpoint  # noqa: E402
from plant_mes.gateway_keys import GatewayKeySet  # noqa: E402
from plant_mes.grants import GrantVerifier  # noqa: E402
from plant_mes.mes_store import MesStore, seed  # noqa: E402
from plant_mes.subgraph import build_schema, render_sdl  # noqa: E402

INV1, INV2, UNKNOWN = "88.1001.1/INV-0001", "88.1001.1/INV-0002", "88.1001.1/INV-0099"
ENTITIES = (
    "query ($r: [_Any!]!) { _entities(representations: $r) {"
    " __typename ... on Device { id inverterModel ratedPowerKw factoryTest { passed } } } }"
)


def representations(*ids):
    return {"r": [{"__typename": "Device", "id": i} for i in ids]}


class SubgraphTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        database = os.path.join(self.dir.name, "mes.db")
        seed(database)
        self.journal = AnchorJournal(os.path.join(self.dir.name, "journal.db"))
        self.journal.record(
            [
                JournalEntry(
                    INV1, "inverterModel", "88.1001.1.F0002", "salt-model", "c1", "tx", "at"
                ),
                JournalEntry(INV1, "factoryTest", "88.1001.1.F0007", "salt-test", "c2", "tx", "at"),
            ]
        )
        self.key = GatewayKey("k1")
        keys = GatewayKeySet(
            "http://gateway/jwks", lambda _u: {"keys": [self.key.jwk()]}, lambda _m: None
        )
        self.logged = []
        self.store = MesStore(database, "88.1001.1")
        self.endpoint = GraphqlEndpoint(
            build_schema(render_sdl("the MES")),
            GrantVerifier("mes", keys),
            self.store,
            self.journal,
            self.logged.append,
        )

    def tearDown(self):
        self.dir.cleanup()

    def ask(self, query, variables=None, token=None, protocol="1"):
        headers = {"x-gridmark-grant": token, "x-gridmark-protocol": protocol}
        return self.endpoint.answer({"query": query, "variables": variables or {}}, headers.get)

    def test_answers_its_sdl_without_a_grant(self):
        answer = self.ask("{ _service { sdl } }")
        self.assertNotIn("errors", answer)
        sdl = answer["data"]["_service"]["sdl"]
        self.assertIn('type Device @key(fields: "id")', sdl)
        self.assertIn("factoryTest: MesFactoryTest", sdl)
        self.assertEqual(answer["extensions"], {"gridmark": {"protocol": [1]}})

    def test_answers_entities_in_order_with_null_for_a_device_it_does_not_hold(self):
        token = self.key.sign(
            devices=[INV1, INV2, UNKNOWN], fields=["inverterModel", "ratedPowerKw", "factoryTest"]
        )
        answer = self.ask(ENTITIES, representations(UNKNOWN, INV2, INV1), token)
        self.assertNotIn("errors", answer)
        entities = answer["data"]["_entities"]
        self.assertIsNone(entities[0])
        self.assertEqual(entities[1]["id"], INV2)
        self.assertEqual(
            entities[2],
            {
                "__typename": "Device",
                "id": INV1,
                "inverterModel": "SG-110CX",
                "ratedPowerKw": 110.0,
                "factoryTest": {"passed": True},
            },
        )

    def test_returns_the_salts_of_the_values_served_and_whole_object_values(self):
        token = self.key.sign(
            devices=[INV1, INV2], fields=["inverterModel", "ratedPowerKw", "factoryTest"]
        )
        proofs = self.ask(ENTITIES, representations(INV1, INV2), token)["extensions"]["gridmark"][
            "proofs"
        ]
        self.assertEqual(
            proofs["fields"],
            {
                "inverterModel": {"code": "88.1001.1.F0002"},
                "factoryTest": {"code": "88.1001.1.F0007"},
            },
        )
        # No journal entry for ratedPowerKw or INV-0002: no proof, never a made-up one.
        self.assertEqual(
            proofs["salts"], {INV1: {"inverterModel": "salt-model", "factoryTest": "salt-test"}}
        )
        self.assertEqual(proofs["values"][INV1]["factoryTest"]["efficiencyPct"], 98.7)
        self.assertEqual(
            set(proofs["values"][INV1]["factoryTest"]),
            {"efficiencyPct", "insulationMohm", "passed", "testedAt"},
        )

    def test_refuses_the_whole_request_on_a_bad_grant(self):
        token = self.key.sign(aud="monitoring", devices=[INV1], fields=["inverterModel"])
        answer = self.ask(ENTITIES, representations(INV1, INV2), token)
        self.assertEqual(answer["data"], {"_entities": [None, None]})
        self.assertEqual({e["extensions"]["reason"] for e in answer["errors"]}, {"WRONG_SYSTEM"})
        self.assertEqual(
            [e["path"] for e in answer["errors"]], [["_entities", 0], ["_entities", 1]]
        )
        self.assertNotIn("proofs", answer["extensions"]["gridmark"])
        self.assertNotIn(token, str(answer))

    def test_refuses_a_device_or_a_field_the_grant_does_not_cover_and_serves_the_rest(self):
        token = self.key.sign(devices=[INV1], fields=["inverterModel"])
        answer = self.ask(ENTITIES, representations(INV1, INV2), token)
        entities = answer["data"]["_entities"]
        self.assertIsNone(entities[1])
        self.assertEqual(entities[0]["inverterModel"], "SG-110CX")
        self.assertIsNone(entities[0]["ratedPowerKw"])
        refused = {tuple(e["path"]): e["extensions"] for e in answer["errors"]}
        self.assertEqual(
            refused[("_entities", 1)], {"code": "GRANT_REFUSED", "reason": "NOT_COVERED"}
        )
        self.assertEqual(refused[("_entities", 0, "ratedPowerKw")]["reason"], "NOT_COVERED")
        self.assertEqual(refused[("_entities", 0, "factoryTest")]["reason"], "NOT_COVERED")
        self.assertEqual(
            set(answer["extensions"]["gridmark"]["proofs"]["salts"][INV1]), {"inverterModel"}
        )

    def test_refuses_a_protocol_version_it_does_not_speak(self):
        answer = self.ask("{ _service { sdl } }", protocol="2")
        self.assertNotIn("data", answer)
        self.assertEqual(
            answer["errors"][0]["extensions"], {"code": "PROTOCOL_UNSUPPORTED", "supported": [1]}
        )
        self.assertEqual(answer["extensions"], {"gridmark": {"protocol": [1]}})

    def test_reports_its_own_failure_as_system_error_without_internals(self):
        os.remove(os.path.join(self.dir.name, "mes.db"))
        sqlite3.connect(os.path.join(self.dir.name, "mes.db")).close()  # an empty file: no table
        token = self.key.sign(devices=[INV1], fields=["inverterModel"])
        answer = self.ask(ENTITIES, representations(INV1), token)
        self.assertEqual([e["extensions"] for e in answer["errors"]], [{"code": "SYSTEM_ERROR"}])
        self.assertNotIn("inverters", str(answer))
        self.assertIn("no such table", self.logged[0])

    def test_names_bad_queries_with_graphql_codes(self):
        self.assertEqual(
            self.ask("{ _service { sdl }")["errors"][0]["extensions"]["code"],
            "GRAPHQL_PARSE_FAILED",
        )
        self.assertEqual(
            self.ask("{ secrets }")["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED"
        )
        bad = self.endpoint.answer({"query": 1}, {}.get)
        self.assertEqual(bad["errors"][0]["extensions"]["code"], "BAD_INPUT")


if __name__ == "__main__":
    unittest.main()
