"""Sealed grants (optional in the protocol): the system announces an X25519 grant key, and the
gateway then seals grants with an HMAC under a channel key only the two of them can derive,
instead of signing each one.

    mac1.<statement header>.<statement claims>.<statement signature>.<grant claims>.<HMAC>

The channel statement is a JWS of the gateway's (typ `gridmark-channel+jwt`); its signature is
checked once, then the channel is remembered until it expires.
"""

import base64
import hashlib
import hmac
import threading
from collections import OrderedDict

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .grants import (
    base64url,
    check_grant_claims,
    integer,
    json_object,
    read_jws,
    refuse,
    verify_jws_signature,
)

CHANNEL_TYPE = "gridmark-channel+jwt"
CHANNEL_KEY_INFO = "gridmark/grant-channel/v1\n"
MAX_CHANNEL_LIFETIME_SECONDS = 86400
REMEMBERED_CHANNELS = 64


class GrantChannels:
    """The system's grant key (for the life of the process) and the channels opened to it."""

    def __init__(self, audience, key_set, skew_seconds=30, private_key=None, log=None):
        self._audience = audience
        self._log = log or (lambda _message: None)
        self._keys = key_set
        self._skew = skew_seconds
        self._private = private_key or X25519PrivateKey.generate()
        raw = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.grant_key = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
        self._lock = threading.Lock()
        self._channels = OrderedDict()  # statement text -> (channel key, exp)

    def open(self, token, now):
        """The claims of a sealed grant whose HMAC checks out; raises GRANT_REFUSED otherwise."""
        parts = token.split(".")
        if len(parts) != 6:
            refuse("MALFORMED", "A sealed grant is mac1.<statement, 3 parts>.<claims>.<HMAC>.")
        _, header_part, claims_part, signature_part, grant_part, mac_part = parts
        claims = json_object(base64url(grant_part), "claims")
        check_grant_claims(claims)
        key = self._channel_key(header_part, claims_part, signature_part, now)
        expected = hmac.new(key, grant_part.encode("ascii"), hashlib.sha256).digest()
        if not hmac.compare_digest(base64url(mac_part), expected):
            refuse("BAD_SIGNATURE", "The grant is not sealed by the gateway.")
        return claims

    def _channel_key(self, header_part, claims_part, signature_part, now):
        text = f"{header_part}.{claims_part}.{signature_part}"
        with self._lock:
            channel = self._channels.get(text)
        if channel is None:
            channel = self._open_channel(header_part, claims_part, signature_part)
            self._log(f"grant channel opened with the gateway, until {channel[1]}")
            with self._lock:
                self._channels[text] = channel
                while len(self._channels) > REMEMBERED_CHANNELS:
                    self._channels.popitem(last=False)
        key, expires = channel
        if now > expires + self._skew:
            refuse("EXPIRED", "The grant channel has expired.")
        return key

    def _open_channel(self, header_part, claims_part, signature_part):
        """Checks a channel statement and derives its key."""
        header, statement, signature = read_jws(
            header_part, claims_part, signature_part, CHANNEL_TYPE
        )
        _check_statement(statement)
        signing_input = f"{header_part}.{claims_part}"
        verify_jws_signature(self._keys, header, signing_input, signature)
        if statement["aud"] != self._audience:
            refuse(
                "WRONG_SYSTEM", f"The grant channel leads to another system, not {self._audience}."
            )
        if statement["sk"] != self.grant_key:
            refuse("STALE_KEY", "The grant was sealed for a key this system no longer holds.")
        try:
            gateway_key = X25519PublicKey.from_public_bytes(base64url(statement["gk"]))
            shared = self._private.exchange(gateway_key)
        except ValueError:
            refuse("MALFORMED", "The grant channel names a gateway key no channel can use.")
        key = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=b"",
            info=(CHANNEL_KEY_INFO + signing_input).encode("ascii"),
        ).derive(shared)
        return key, statement["exp"]


def _check_statement(statement):
    for name in ("aud", "sk", "gk"):
        if not isinstance(statement.get(name), str):
            refuse("MALFORMED", f'The grant channel\'s "{name}" is missing or not a string.')
    for name in ("ver", "iat", "exp"):
        value = integer(statement.get(name))
        if value is None:
            refuse("MALFORMED", f'The grant channel\'s "{name}" is missing or not an integer.')
        statement[name] = value
    if statement["ver"] != 1:
        refuse("MALFORMED", "The grant channel's protocol version is not supported.")
    if not 1 <= statement["exp"] - statement["iat"] <= MAX_CHANNEL_LIFETIME_SECONDS:
        refuse("MALFORMED", "The grant channel's lifetime is not 1 s to a day.")
