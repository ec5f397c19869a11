"""The salted commitment to one field value of one device, as the gateway recomputes it.

SHA-256 over a length-prefixed preimage: the domain, the device identifier, the field code, the
salt and the value's canonical JSON, each written as `<UTF-8 byte length>:<text>`. The digest is
64 lower-case hex digits.
"""

import base64
import hashlib
import secrets

from .canonical_json import canonical_json

DOMAIN = "gridmark/field-commitment/v1"


def commit_field(device_id, field_code, salt, value):
    """The commitment to `value` of `field_code` of `device_id` under `salt` (base64url)."""
    parts = (DOMAIN, device_id, field_code, salt, canonical_json(value))
    preimage = "".join(f"{len(part.encode('utf-8'))}:{part}" for part in parts)
    return hashlib.sha256(preimage.encode("utf-8")).hexdigest()


def new_salt():
    """16 fresh random bytes, base64url without padding."""
    return base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode("ascii")
