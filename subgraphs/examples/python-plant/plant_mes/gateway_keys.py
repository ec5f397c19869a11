"""The gateway's grant-verifying keys, read from its JSON Web Key Set (RFC 7517) by kid."""

import base64
import threading
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class GatewayKeySet:
    """The gateway's grant keys, read from its JWKS URL: fetched again every `refresh_seconds`,
    and when a grant names a key it does not hold (at most once per `refetch_seconds`)."""

    def __init__(
        self,
        jwks_url,
        fetch_json,
        log,
        refetch_seconds=30,
        refresh_seconds=300,
        clock=time.monotonic,
    ):
        self._url = jwks_url
        self._fetch_json = fetch_json
        self._log = log
        self._refetch = refetch_seconds
        self._refresh = refresh_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._keys = {}
        self._fetched_at = None

    def key(self, kid):
        with self._lock:
            age = None if self._fetched_at is None else self._clock() - self._fetched_at
            if (
                age is None
                or age >= self._refresh
                or (kid not in self._keys and age >= self._refetch)
            ):
                self._fetch()
            return self._keys.get(kid)

    def refresh(self):
        """Fetches the key set now; returns how many keys it holds."""
        with self._lock:
            self._fetch()
            return len(self._keys)

    def _fetch(self):
        self._fetched_at = self._clock()
        try:
            self._keys = read_jwks(self._fetch_json(self._url))
        except Exception as error:  # the set in hand stays; grants by unknown keys are refused
            self._log(f"could not read the gateway's key set at {self._url}: {error}")


def read_jwks(jwks):
    """The Ed25519 signing keys of a JSON Web Key Set, by kid."""
    keys = {}
    for jwk in jwks.get("keys", []) if isinstance(jwks, dict) else []:
        if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            continue
        if jwk.get("use", "sig") != "sig" or not isinstance(jwk.get("kid"), str):
            continue
        try:
            x = str(jwk.get("x", ""))
            raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
            keys[jwk["kid"]] = Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            continue
    if not keys:
        raise ValueError("the key set holds no Ed25519 signing key")
    return keys
