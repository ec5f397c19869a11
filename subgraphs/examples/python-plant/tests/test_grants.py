import base64
import json
import os
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from grant_tokens import GatewayKey, b64url, grant_claims  # noqa: E402
from plant_mes.errors import GridmarkError  # noqa: E402
from plant_mes.gateway_keys import GatewayKeySet  # noqa: E402
from plant_mes.grants import GrantVerifier  # noqa: E402


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def key_set(*keys, fetches=None, clock=None):
    def fetch(_url):
        if fetches is not None:
            fetches.append(1)
        return {"keys": [k.jwk() for k in keys]}

    return GatewayKeySet(
        "http://gateway/.well-known/jwks.json", fetch, lambda _m: None, clock=clock or Clock()
    )


class GrantVerifierTest(unittest.TestCase):
    def setUp(self):
        self.key = GatewayKey("current")
        self.verifier = GrantVerifier("mes", key_set(self.key))

    def refusal(self, token, verifier=None):
        with self.assertRaises(GridmarkError) as raised:
            (verifier or self.verifier).verify(token)
        self.assertEqual(raised.exception.code, "GRANT_REFUSED")
        return raised.exception.extensions["reason"]

    def test_accepts_a_grant_of_the_gateway_once(self):
        token = self.key.sign(devices=["88.1001.1/INV-0001"], fields=["inverterModel"])
        grant = self.verifier.verify(token)
        self.assertEqual(grant.devices, frozenset(["88.1001.1/INV-0001"]))
        self.assertEqual(self.refusal(token), "REPLAYED")

    def test_refuses_no_grant_as_missing(self):
        self.assertEqual(self.refusal(None), "MISSING")
        self.assertEqual(self.refusal(""), "MISSING")

    def test_refuses_malformed_tokens(self):
        good = self.key.sign()
        head, claims, signature = good.split(".")
        for token in [
            "a.b",
            good + ".x",
            f"{head}=.{claims}.{signature}",
            f"{head}.{claims}.{signature}+",
            f"{head}.{claims}.{signature[:-4]}",
            f"{b64url(b'not json')}.{claims}.{signature}",
            "x" * 70000,
            self.key.sign(header={"alg": "none", "kid": "current", "typ": "gridmark-grant+jwt"}),
            self.key.sign(header={"alg": "EdDSA", "kid": "current", "typ": "JWT"}),
            self.key.sign(header={"alg": "EdDSA", "typ": "gridmark-grant+jwt"}),
            self.key.sign(
                header={
                    "alg": "EdDSA",
                    "kid": "current",
                    "typ": "gridmark-grant+jwt",
                    "crit": ["x"],
                }
            ),
            self.key.sign(ver=2),
            self.key.sign(ver=True),
            self.key.sign(aud=None),
            self.key.sign(devices="88.1001.1/INV-0001"),
            self.key.sign(fields=[1]),
            self.key.sign(jti=""),
            self.key.sign(exp=grant_claims()["iat"] * 1000),
            self.key.sign(claims=b'{"ver":1,"ver":1}'),
            self.key.sign(claims=[1, 2]),
        ]:
            with self.subTest(token=token[:60]):
                self.assertEqual(self.refusal(token), "MALFORMED")

    def test_refuses_a_key_the_gateway_does_not_publish(self):
        self.assertEqual(self.refusal(GatewayKey("stranger").sign()), "UNKNOWN_KEY")

    def test_refuses_a_forged_signature(self):
        forger = GatewayKey("current")  # claims the gateway's kid
        self.assertEqual(self.refusal(forger.sign()), "BAD_SIGNATURE")
        head, _, signature = self.key.sign().split(".")
        widened = b64url(json.dumps(grant_claims(fields=["inverterModel", "factoryTest"])).encode())
        self.assertEqual(self.refusal(f"{head}.{widened}.{signature}"), "BAD_SIGNATURE")

    def test_refuses_a_grant_for_another_system(self):
        self.assertEqual(self.refusal(self.key.sign(aud="monitoring")), "WRONG_SYSTEM")

    def test_refuses_expired_and_future_grants_beyond_the_skew(self):
        clock = Clock()
        verifier = GrantVerifier("mes", key_set(self.key), skew_seconds=30, clock=clock)
        clock.now = 1_000_000
        self.assertEqual(self.refusal(self.key.sign(iat=999_900, exp=999_930), verifier), "EXPIRED")
        self.assertEqual(verifier.verify(self.key.sign(iat=999_940, exp=999_970)).exp, 999_970)
        self.assertEqual(
            self.refusal(self.key.sign(iat=1_000_031, exp=1_000_061), verifier), "NOT_YET_VALID"
        )
        self.assertEqual(
            verifier.verify(self.key.sign(iat=1_000_030, exp=1_000_060)).exp, 1_000_060
        )

    def test_refuses_a_device_or_field_the_grant_does_not_cover(self):
        grant = self.verifier.verify(
            self.key.sign(devices=["88.1001.1/INV-0001"], fields=["inverterModel"])
        )
        grant.require("88.1001.1/INV-0001", "inverterModel")
        for device, field in [("88.1001.1/INV-0002", None), ("88.1001.1/INV-0001", "factoryTest")]:
            with self.assertRaises(GridmarkError) as raised:
                grant.require(device, field)
            self.assertEqual(raised.exception.extensions["reason"], "NOT_COVERED")


class GatewayKeySetTest(unittest.TestCase):
    def test_fetches_again_for_an_unknown_kid_at_most_once_per_interval(self):
        rotated = GatewayKey("next")
        published = [GatewayKey("current")]
        fetches = []
        clock = Clock()

        def fetch(_url):
            fetches.append(1)
            return {"keys": [k.jwk() for k in published]}

        keys = GatewayKeySet(
            "http://gateway/jwks", fetch, lambda _m: None, refetch_seconds=30, clock=clock
        )
        keys.refresh()
        published.append(rotated)
        clock.now = 10
        self.assertIsNone(keys.key("next"))  # too soon after the last fetch
        clock.now = 40
        self.assertIsNotNone(keys.key("next"))
        self.assertIsNone(keys.key("unknown"))  # fetched at 40: not again yet
        self.assertEqual(len(fetches), 2)

    def test_keeps_its_keys_when_the_gateway_does_not_answer(self):
        current = GatewayKey("current")
        answers = [{"keys": [current.jwk()]}]

        def fetch(_url):
            if not answers:
                raise OSError("connection refused")
            return answers.pop()

        clock = Clock()
        keys = GatewayKeySet("http://gateway/jwks", fetch, lambda _m: None, clock=clock)
        keys.refresh()
        clock.now = 100
        self.assertIsNone(keys.key("other"))
        self.assertIsNotNone(keys.key("current"))

    def test_skips_keys_that_are_not_ed25519_signing_keys(self):
        good = GatewayKey("good").jwk()
        jwks = {
            "keys": [
                {**good, "kid": "enc", "use": "enc"},
                {"kty": "RSA", "kid": "rsa", "n": "x", "e": "AQAB"},
                {**good, "kid": "short", "x": base64.urlsafe_b64encode(b"x").decode()},
                good,
            ]
        }
        keys = GatewayKeySet("http://gateway/jwks", lambda _u: jwks, lambda _m: None, clock=Clock())
        self.assertEqual(keys.refresh(), 1)


class GrantVectorsTest(unittest.TestCase):
    """schema/protocol/vectors/grants.json, when this tree has it."""

    def test_answers_every_grant_vector_as_the_protocol_requires(self):
        path = os.path.join(ROOT, "..", "..", "..", "schema", "protocol", "vectors", "grants.json")
        if not os.path.exists(path):
            self.skipTest("grants.json is not in schema/protocol/vectors/")
        with open(path, encoding="utf-8") as file:
            suite = json.load(file)
        for vector in suite["vectors"]:
            with self.subTest(vector["name"]):
                clock = Clock()
                clock.now = vector.get("now", suite["now"])
                keys = GatewayKeySet(
                    "http://gateway/jwks", lambda _u: suite["jwks"], lambda _m: None, clock=Clock()
                )
                verifier = GrantVerifier(
                    suite["audience"], keys, skew_seconds=suite["skewSeconds"], clock=clock
                )
                if vector.get("jtiSeenBefore"):
                    verifier.verify(vector["token"])
                expect = vector["expect"]
                if expect["valid"]:
                    grant = verifier.verify(vector["token"])
                    claims = expect["claims"]
                    self.assertEqual(grant.devices, frozenset(claims["devices"]))
                    self.assertEqual(grant.fields, frozenset(claims["fields"]))
                    self.assertEqual(
                        (grant.app, grant.res, grant.exp),
                        (claims["app"], claims["res"], claims["exp"]),
                    )
                else:
                    with self.assertRaises(GridmarkError) as raised:
                        verifier.verify(vector["token"])
                    self.assertEqual(raised.exception.extensions["reason"], expect["reason"])


if __name__ == "__main__":
    unittest.main()
