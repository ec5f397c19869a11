import json
import os
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from plant_mes.canonical_json import CanonicalJsonError, canonical_json  # noqa: E402
from plant_mes.commitment import commit_field, new_salt  # noqa: E402

VECTORS = os.path.join(ROOT, "..", "..", "..", "schema", "protocol", "vectors")
SALT = "AAECAwQFBgcICQoLDA0ODw"
DEVICE = "88.1001.1/PVI-000001"
CODE = "88.1001.1.F0003"


class CanonicalJsonTest(unittest.TestCase):
    def test_writes_numbers_as_ecmascript_does(self):
        cases = {
            150000.0: "150000",
            640.5: "640.5",
            1e21: "1e+21",
            1e20: "100000000000000000000",
            1e-7: "1e-7",
            0.000001: "0.000001",
            -0.0: "0",
            0.1: "0.1",
            5e-324: "5e-324",
            1.7976931348623157e308: "1.7976931348623157e+308",
            123456789012345680000.0: "123456789012345680000",
            2**60: "1152921504606847000",
        }
        for value, text in cases.items():
            with self.subTest(value=value):
                self.assertEqual(canonical_json(value), text)

    def test_sorts_members_by_utf16_code_units_and_escapes_as_json_stringify(self):
        value = {"b": 1, "a": [True, None, "x\u2028\n\x01é"], "\U0001f600": 1, "\ufb33": 2}
        self.assertEqual(
            canonical_json(value),
            '{"a":[true,null,"x\u2028\\n\\u0001é"],"b":1,"\U0001f600":1,"\ufb33":2}',
        )

    def test_refuses_what_has_no_canonical_form(self):
        for value in [float("nan"), float("inf"), "\ud800", {1: 2}, {1, 2}]:
            with self.subTest(value=repr(value)):
                with self.assertRaises(CanonicalJsonError):
                    canonical_json(value)


class CommitmentTest(unittest.TestCase):
    def test_matches_the_worked_examples_of_the_protocol(self):
        cases = [
            (100000, "14f4becfdcb3ec935d4fd9f3bf7d0c63d7e8325bc74a37378e95f14bc841d50c"),
            ("SV-100K", "87fd602912d831d27e0074aa865154089a636b38123f653dee5523ad556f33d5"),
            (
                [{"time": "2026-11-30T08:00:00Z", "fault": "GRID_SAG", "remedy": None}],
                "25e59f5851720a567bed4982246dd0c8b4a7b9a6c3d1000de48a3cf0a1fd9f56",
            ),
            (None, "747140205d0d57d84da4c30664a3c3d26f623e9b10829b03932affd639df3342"),
        ]
        for value, commitment in cases:
            with self.subTest(value=value):
                self.assertEqual(commit_field(DEVICE, CODE, SALT, value), commitment)

    def test_a_float_and_the_integer_it_equals_commit_alike(self):
        self.assertEqual(
            commit_field(DEVICE, CODE, SALT, 110.0), commit_field(DEVICE, CODE, SALT, 110)
        )

    def test_fresh_salts_are_16_bytes_of_base64url(self):
        salts = {new_salt() for _ in range(50)}
        self.assertEqual(len(salts), 50)
        for salt in salts:
            self.assertRegex(salt, r"^[A-Za-z0-9_-]{22}$")


class VectorsTest(unittest.TestCase):
    """The shared test vectors of schema/protocol/vectors/, when this tree has them."""

    def load(self, name):
        path = os.path.join(VECTORS, name)
        if not os.path.exists(path):
            self.skipTest(f"{name} is not in schema/protocol/vectors/")
        with open(path, encoding="utf-8") as file:
            return json.load(file)["vectors"]

    def test_jcs_vectors(self):
        for vector in self.load("jcs.json"):
            with self.subTest(vector["name"]):
                value = json.loads(vector["input"])
                if "error" in vector:
                    with self.assertRaises(CanonicalJsonError):
                        canonical_json(value)
                else:
                    self.assertEqual(canonical_json(value), vector["output"])

    def test_commitment_vectors(self):
        for vector in self.load("commitments.json"):
            with self.subTest(vector["preimage"][:60]):
                self.assertEqual(canonical_json(vector["value"]), vector["canonicalValue"])
                self.assertEqual(
                    commit_field(
                        vector["deviceId"], vector["fieldCode"], vector["salt"], vector["value"]
                    ),
                    vector["commitment"],
                )


if __name__ == "__main__":
    unittest.main()
