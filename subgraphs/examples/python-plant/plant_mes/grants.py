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

from .errors import GridmarkError

GRANT_HEADER = "x-gridmark-grant"
GRANT_TYPE = "gridmark-grant+jwt"
SEALED_PREFIX = "mac1."
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

    def __init__(self, audience, key_set, skew_seconds=30, clock=time.time, channels=None):
        self._audience = audience
        self._keys = key_set
        self._skew = skew_seconds
        self._clock = clock
        self._seen = ReplayGuard()
        # With sealed grants on: the system's grant channels (sealed_grants.GrantChannels).
        self.channels = channels

    def verify(self, token):
        """Returns the Grant of a token, or raises GRANT_REFUSED naming the reason."""
        if not token:
            refuse("MISSING", "The request carries no grant from the gateway.")
        if len(token) > MAX_TOKEN_CHARS:
            refuse("MALFORMED", "The grant is too long.")
        now = self._clock()
        if self.channels is not None and token.startswith(SEALED_PREFIX):
            claims = self.channels.open(token, now)
        else:
            parts = token.split(".")
            if len(parts) != 3:
                refuse("MALFORMED", "The grant is not a compact JWS of three parts.")
            header, claims, signature = read_jws(*parts, GRANT_TYPE)
            check_grant_claims(claims)
            verify_jws_signature(self._keys, header, f"{parts[0]}.{parts[1]}", signature)
        return self._accept(claims, now)

    def _accept(self, claims, now):
        """The checks of an authentic grant's claims, after its signature or seal."""
        if claims["aud"] != self._audience:
            refuse("WRONG_SYSTEM", f"The grant is for another system, not {self._audience}.")
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


def verify_jws_signature(key_set, header, signing_input, signature):
    """Raises UNKNOWN_KEY or BAD_SIGNATURE unless the gateway's key `kid` made the signature."""
    key = key_set.key(header["kid"])
    if key is None:
        refuse("UNKNOWN_KEY", "The grant is signed with a key the gateway does not publish.")
    try:
        key.verify(signature, signing_input.encode("ascii"))
    except InvalidSignature:
        refuse("BAD_SIGNATURE", "The grant's signature does not verify.")


def read_jws(header_part, claims_part, signature_part, typ):
    """Decodes a compact JWS of the gateway's; raises MALFORMED for anything else."""
    if len(header_part) > MAX_HEADER_PART_CHARS:
        refuse("MALFORMED", "The grant's protected header is too long.")
    header = json_object(base64url(header_part), "protected header")
    claims = json_object(base64url(claims_part), "claims")
    signature = base64url(signature_part)
    if len(signature) != 64:
        refuse("MALFORMED", "The grant's signature is not 64 bytes.")
    if header.get("alg") != "EdDSA":
        refuse("MALFORMED", 'The grant\'s "alg" is not "EdDSA".')
    if header.get("typ") != typ:
        refuse("MALFORMED", f'The grant\'s "typ" is not "{typ}".')
    if not isinstance(header.get("kid"), str):
        refuse("MALFORMED", 'The grant names no key ("kid").')
    if "crit" in header:
        refuse("MALFORMED", 'The grant asks for extensions ("crit") this system does not know.')
    return header, claims, signature


def base64url(part):
    """The bytes of a base64url part without padding; raises MALFORMED otherwise."""
    if not _BASE64URL.fullmatch(part) or len(part) % 4 == 1:
        refuse("MALFORMED", "A part of the grant is not base64url without padding.")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        refuse("MALFORMED", "A part of the grant is not base64url.")


def json_object(data, what):
    """A JSON object naming each member once; raises MALFORMED otherwise."""

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


def check_grant_claims(claims):
    """Raises MALFORMED unless the claims are a grant's, of the right types and lifetime."""
    for name in _STRING_CLAIMS:
        if not isinstance(claims.get(name), str):
            refuse("MALFORMED", f'The grant\'s "{name}" is missing or not a string.')
    for name in _LIST_CLAIMS:
        value = claims.get(name)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            refuse("MALFORMED", f'The grant\'s "{name}" is not a list of strings.')
    for name in ("ver", "iat", "exp"):
        value = integer(claims.get(name))
        if value is None:
            refuse("MALFORMED", f'The grant\'s "{name}" is missing or not an integer.')
        claims[name] = value
    if claims["ver"] != 1:
        refuse("MALFORMED", f'The grant\'s protocol version {claims["ver"]} is not supported.')
    if not 1 <= _utf16_length(claims["jti"]) <= 200:
        refuse("MALFORMED", 'The grant\'s "jti" is not 1 to 200 characters.')
    if not 1 <= claims["exp"] - claims["iat"] <= MAX_LIFETIME_SECONDS:
        refuse("MALFORMED", "The grant's lifetime is not 1 to 300 seconds.")


def integer(value):
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
