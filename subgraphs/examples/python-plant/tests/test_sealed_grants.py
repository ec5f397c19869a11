import base64
import json
import os
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

from plant_mes.errors import GridmarkError  # noqa: E402
from plant_mes.gateway_keys import GatewayKeySet  # noqa: E402
from plant_mes.grants import GrantVerifier  # noqa: E402
from plant_mes.sealed_grants import GrantChannels  # noqa: E402

VECTORS = os.path.join(
    ROOT, "..", "..", "..", "schema", "protocol", "vectors", "sealed-grants.json"
)


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


class SealedGrantVectorsTest(unittest.TestCase):
    """schema/protocol/vectors/sealed-grants.json, when this tree has it."""

    def setUp(self):
        if not os.path.exists(VECTORS):
            self.skipTest("sealed-grants.json is not in schema/protocol/vectors/")
        with open(VECTORS, encoding="utf-8") as file:
            self.suite = json.load(file)

    def verifier(self, clock):
        suite = self.suite
        keys = GatewayKeySet("http://gateway/jwks", lambda _u: suite["jwks"], lambda _m: None)
        private = X25519PrivateKey.from_private_bytes(
            b64url_decode(suite["systemGrantKey"]["private"]["d"])
        )
        channels = GrantChannels(suite["audience"], keys, suite["skewSeconds"], private)
        self.assertEqual(channels.grant_key, suite["systemGrantKey"]["public"])
        return GrantVerifier(
            suite["audience"], keys, suite["skewSeconds"], clock=clock, channels=channels
        )

    def test_answers_every_sealed_grant_vector_as_the_protocol_requires(self):
        for vector in self.suite["vectors"]:
            with self.subTest(vector["name"]):
                verifier = self.verifier(Clock(vector.get("now", self.suite["now"])))
                if vector.get("jtiSeenBefore"):
                    verifier.verify(vector["token"])
                expect = vector["expect"]
                if expect["valid"]:
                    grant = verifier.verify(vector["token"])
                    self.assertEqual(grant.devices, frozenset(expect["claims"]["devices"]))
                    self.assertEqual(grant.jti, expect["claims"]["jti"])
                else:
                    with self.assertRaises(GridmarkError) as raised:
                        verifier.verify(vector["token"])
                    self.assertEqual(raised.exception.extensions["reason"], expect["reason"])

    def test_a_sealed_grant_is_single_use_and_its_claims_cannot_be_widened(self):
        valid = next(v for v in self.suite["vectors"] if v["name"] == "valid")["token"]
        verifier = self.verifier(Clock(self.suite["now"]))
        verifier.verify(valid)
        with self.assertRaises(GridmarkError) as replayed:
            verifier.verify(valid)
        self.assertEqual(replayed.exception.extensions["reason"], "REPLAYED")
        parts = valid.split(".")
        claims = json.loads(b64url_decode(parts[4]))
        claims["fields"].append("assetValueFen")
        claims["jti"] = "another-jti"
        widened = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        with self.assertRaises(GridmarkError) as refused:
            verifier.verify(".".join(parts[:4] + [widened, parts[5]]))
        self.assertEqual(refused.exception.extensions["reason"], "BAD_SIGNATURE")

    def test_a_system_without_channels_refuses_sealed_grants_as_malformed(self):
        valid = next(v for v in self.suite["vectors"] if v["name"] == "valid")["token"]
        keys = GatewayKeySet("http://gateway/jwks", lambda _u: self.suite["jwks"], lambda _m: None)
        plain = GrantVerifier(self.suite["audience"], keys, clock=Clock(self.suite["now"]))
        with self.assertRaises(GridmarkError) as refused:
            plain.verify(valid)
        self.assertEqual(refused.exception.extensions["reason"], "MALFORMED")


if __name__ == "__main__":
    unittest.main()
