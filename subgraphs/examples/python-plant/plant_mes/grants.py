"""Checks the gateway's grant on every request: a compact JWS (EdDSA) carrying JWT claims.

The checks run in the protocol's order and a refusal names the first that failed: MISSING,
MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, WRONG_SYSTEM, EXPIRED, NOT_YET_VALID, REPLAYED. Whether a
grant covers a device or a field (NOT_COVERED) is asked of the accepted grant.
"""

import base64
import binascii
import json
import re
import threading
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .errors import GridmarkError

GRANT_HEADER = "x-gridmark-grant"
GRANT_TYPE = "gridmark-grant+jwt"
MAX_TOKEN_CHARS = 65536
MAX_HEADER_PART_CHARS = 1024
MAX_LIFETIME_SECONDS = 300
MAX_SAFE_INTEGER = 2**53 - 1
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_STRING_CLAIMS = ("aud", "jti", "app", "fn", "role", "res")
_LIST_CLAIMS = ("devices", "fields")


def refuse(reason, message):
    """Raises GRANT_REFUSED with `extensions.reason`."""
    raise GridmarkError("GRANT_REFUSED", message, reason=reason)


@dataclass(frozen=True)
class Grant:
    """An accepted grant: what this one request may read."""

    app: str
    fn: str
    role: str
    res: str
    jti: str
    exp: int
    devices: frozenset
    fields: frozenset

    def require(self, device_id, field=None):
        """Raises GRANT_REFUSED (NOT_COVERED) unless the grant covers the device (and field)."""
        if device_id not in self.devices or (field is not None and field not in self.fields):
            what = device_id if field is None else f"Device.{field} of {device_id}"
            refuse("NOT_COVERED", f"The grant does not cover {what}.")


class GrantVerifier:
    """Verifies grants for one system (its subgraph name is the grant's audience)."""

    def __init__(self, audience, key_set, skew_seconds=30, clock=time.time):
        self._audience = audience
        self._keys = key_set
        self._skew = skew_seconds
        self._clock = clock
        self._seen = ReplayGuard()

    def verify(self, token):
        """Returns the Grant of a token, or raises GRANT_REFUSED naming the reason."""
        if not token:
            refuse("MISSING", "The request carries no grant from the gateway.")
        header_part, claims_part, signature, header, claims = _read_token(token)
        key = self._keys.key(header["kid"])
        if key is None:
            refuse("UNKNOWN_KEY", "The grant is signed with a key the gateway does not publish.")
        try:
            key.verify(signature, f"{header_part}.{claims_part}".encode("ascii"))
        except InvalidSignature:
            refuse("BAD_SIGNATURE", "The grant's signature does not verify.")
        if claims["aud"] != self._audience:
            refuse("WRONG_SYSTEM", f"The grant is for another system, not {self._audience}.")
        now = self._clock()
        if now > claims["exp"] + self._skew:
            refuse("EXPIRED", "The grant has expired.")
        if claims["iat"] > now + self._skew:
            refuse("NOT_YET_VALID", "The grant was issued in the future.")
        if not self._seen.first_use(claims["jti"], claims["exp"] + self._skew, now):
            refuse("REPLAYED", "The grant was already used.")
        return Grant(
            app=claims["app"],
            fn=claims["fn"],
            role=claims["role"],
            res=claims["res"],
            jti=claims["jti"],
            exp=claims["exp"],
            devices=frozenset(claims["devices"]),
            fields=frozenset(claims["fields"]),
        )


def _read_token(token):
    """Splits and decodes a token; raises MALFORMED for anything but a well-formed grant."""
    if len(token) > MAX_TOKEN_CHARS:
        refuse("MALFORMED", "The grant is too long.")
    parts = token.split(".")
    if len(parts) != 3:
        refuse("MALFORMED", "The grant is not a compact JWS of three parts.")
    header_part, claims_part, signature_part = parts
    if len(header_part) > MAX_HEADER_PART_CHARS:
        refuse("MALFORMED", "The grant's protected header is too long.")
    header = _json_object(_base64url(header_part), "protected header")
    claims = _json_object(_base64url(claims_part), "claims")
    signature = _base64url(signature_part)
    if len(signature) != 64:
        refuse("MALFORMED", "The grant's signature is not 64 bytes.")
    _check_header(header)
    _check_claims(claims)
    return header_part, claims_part, signature, header, claims


def _base64url(part):
    if not _BASE64URL.fullmatch(part) or len(part) % 4 == 1:
        refuse("MALFORMED", "A part of the grant is not base64url without padding.")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        refuse("MALFORMED", "A part of the grant is not base64url.")


def _json_object(data, what):
    def no_duplicates(pairs):
        names = [name for name, _ in pairs]
        if len(names) != len(set(names)):
            raise ValueError("duplicate member")
        return dict(pairs)

    def no_constants(name):
        raise ValueError(name)

    try:
        value = json.loads(
            data.decode("utf-8"), object_pairs_hook=no_duplicates, parse_constant=no_constants
        )
    except (UnicodeDecodeError, ValueError):
        refuse("MALFORMED", f"The grant's {what} is not JSON without duplicate members.")
    if not isinstance(value, dict):
        refuse("MALFORMED", f"The grant's {what} is not a JSON object.")
    return value


def _check_header(header):
    if header.get("alg") != "EdDSA":
        refuse("MALFORMED", 'The grant\'s "alg" is not "EdDSA".')
    if header.get("typ") != GRANT_TYPE:
        refuse("MALFORMED", f'The grant\'s "typ" is not "{GRANT_TYPE}".')
    if not isinstance(header.get("kid"), str):
        refuse("MALFORMED", 'The grant names no key ("kid").')
    if "crit" in header:
        refuse("MALFORMED", 'The grant asks for extensions ("crit") this system does not know.')


def _check_claims(claims):
    for name in _STRING_CLAIMS:
        if not isinstance(claims.get(name), str):
            refuse("MALFORMED", f'The grant\'s "{name}" is missing or not a string.')
    for name in _LIST_CLAIMS:
        value = claims.get(name)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            refuse("MALFORMED", f'The grant\'s "{name}" is not a list of strings.')
    for name in ("ver", "iat", "exp"):
        value = _integer(claims.get(name))
        if value is None:
            refuse("MALFORMED", f'The grant\'s "{name}" is missing or not an integer.')
        claims[name] = value
    if claims["ver"] != 1:
        refuse("MALFORMED", f'The grant\'s protocol version {claims["ver"]} is not supported.')
    if not 1 <= _utf16_length(claims["jti"]) <= 200:
        refuse("MALFORMED", 'The grant\'s "jti" is not 1 to 200 characters.')
    if not 1 <= claims["exp"] - claims["iat"] <= MAX_LIFETIME_SECONDS:
        refuse("MALFORMED", "The grant's lifetime is not 1 to 300 seconds.")


def _integer(value):
    """An integer claim as JSON numbers carry one: 30 and 30.0 alike; booleans are not numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value) if abs(value) <= MAX_SAFE_INTEGER else None


def _utf16_length(text):
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class ReplayGuard:
    """Remembers each grant id until its grant can no longer be accepted."""

    def __init__(self):
        self._lock = threading.Lock()
        self._until = {}
        self._sweep_at = 0.0

    def first_use(self, jti, remember_until, now):
        with self._lock:
            if now >= self._sweep_at:
                self._until = {k: t for k, t in self._until.items() if t >= now}
                self._sweep_at = now + 5
            if jti in self._until:
                return False
            self._until[jti] = remember_until
            return True


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
