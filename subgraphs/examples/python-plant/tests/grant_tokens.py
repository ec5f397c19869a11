"""Makes grants as the gateway does, for the tests: Ed25519 keys, JWKS and signed tokens."""

import base64
import json
import time
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class GatewayKey:
    def __init__(self, kid="key-1"):
        self.kid = kid
        self.private = Ed25519PrivateKey.generate()

    def jwk(self):
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url(raw),
            "kid": self.kid,
            "alg": "EdDSA",
            "use": "sig",
        }

    def sign(self, claims=None, header=None, **overrides):
        header = (
            header
            if header is not None
            else {"alg": "EdDSA", "kid": self.kid, "typ": "gridmark-grant+jwt"}
        )
        body = claims if claims is not None else grant_claims(**overrides)
        head = b64url(json.dumps(header).encode())
        payload = b64url(json.dumps(body).encode() if not isinstance(body, bytes) else body)
        signature = self.private.sign(f"{head}.{payload}".encode("ascii"))
        return f"{head}.{payload}.{b64url(signature)}"


def grant_claims(**overrides):
    now = int(time.time())
    claims = {
        "ver": 1,
        "aud": "mes",
        "iat": now,
        "exp": now + 30,
        "jti": str(uuid.uuid4()),
        "app": "APP-0001",
        "fn": "lifecycle",
        "role": "om",
        "devices": ["88.1001.1/INV-0001"],
        "fields": ["inverterModel"],
        "res": "RES-1",
    }
    claims.update(overrides)
    return claims
