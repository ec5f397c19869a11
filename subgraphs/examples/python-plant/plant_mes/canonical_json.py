"""Canonical JSON per RFC 8785 (JCS): the text a value is committed to.

Objects have their members sorted by the UTF-16 code units of their names, numbers are written
as ECMAScript writes them (shortest round-trip digits), strings are escaped as JSON.stringify
escapes them. No whitespace.
"""

import json
import math

_MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalJsonError(ValueError):
    """A value that has no canonical JSON form (NaN, infinity, a lone surrogate, a set...)."""


def canonical_json(value):
    """Returns the RFC 8785 text of a JSON value (dict, list, str, int, float, bool, None)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical_json(item) for item in value) + "]"
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalJsonError(f"an object member name must be a string, not {key!r}")
        names = sorted(value, key=lambda name: name.encode("utf-16-be", "surrogatepass"))
        members = (_string(name) + ":" + canonical_json(value[name]) for name in names)
        return "{" + ",".join(members) + "}"
    raise CanonicalJsonError(f"a {type(value).__name__} has no JSON form")


def _string(text):
    if any(0xD800 <= ord(char) <= 0xDFFF for char in text):
        raise CanonicalJsonError("a string holds a lone surrogate")
    # Python escapes exactly what JSON.stringify escapes, with lower-case hex digits.
    return json.dumps(text, ensure_ascii=False)


def _number(value):
    if isinstance(value, int):
        if abs(value) <= _MAX_SAFE_INTEGER:
            return str(value)
        value = float(value)
    if not math.isfinite(value):
        raise CanonicalJsonError(f"{value} has no JSON form")
    if value == 0:
        return "0"  # -0 too, as ECMAScript writes it
    sign = "-" if value < 0 else ""
    digits, point = _shortest_digits(abs(value))
    return sign + _ecmascript_notation(digits, point)


def _shortest_digits(value):
    """The shortest digits that read back as `value`, and where the decimal point goes after the
    first `point` of them (ECMAScript's k digits and n)."""
    text = repr(value)  # the shortest round-trip form, as ECMAScript chooses
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    leading_zeros = len(all_digits) - len(all_digits.lstrip("0"))
    point = len(whole) + int(exponent or 0) - leading_zeros
    return all_digits.strip("0"), point


def _ecmascript_notation(digits, point):
    """Number::toString's layout of digits d1..dk with the point after n of them."""
    k, n = len(digits), point
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    exponent = n - 1
    sign = "+" if exponent >= 0 else "-"
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{sign}{abs(exponent)}"
