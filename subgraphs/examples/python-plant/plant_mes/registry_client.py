"""The registry API as the system uses it: its registered fields, the ledger's anchors, and
anchoring commitments. Every call carries the system's API key as a bearer token."""

import json
import urllib.error

from .http_client import post_json

ANCHOR_READS_PER_CALL = 1000


class RegistryError(Exception):
    """The registry did not answer, or answered with an error (its code first)."""


class RegistryClient:
    def __init__(self, url, system_code, read_api_key, timeout_seconds=30):
        self._url = url
        self._system_code = system_code
        self._read_api_key = read_api_key
        self._timeout = timeout_seconds

    def fields(self):
        """The system's registered fields: name -> (field code, change policy)."""
        data = self._call(
            "query ($c: ID) { fields(systemCode: $c) { code name changePolicy } }",
            {"c": self._system_code},
        )
        return {
            f["name"]: (
                f["code"],
                "release-unverified" if f["changePolicy"] == "RELEASE_UNVERIFIED" else "refuse",
            )
            for f in data["fields"]
        }

    def anchored(self, keys):
        """For each (device id, field code): whether the ledger holds an anchor of it."""
        found = []
        for start in range(0, len(keys), ANCHOR_READS_PER_CALL):
            chunk = [
                {"deviceId": d, "fieldCode": c}
                for d, c in keys[start : start + ANCHOR_READS_PER_CALL]
            ]
            data = self._call(
                "query ($keys: [AnchorKeyInput!]!) { ledgerAnchors(keys: $keys) { version } }",
                {"keys": chunk},
            )
            anchors = data["ledgerAnchors"]
            if len(anchors) != len(chunk):  # no answer at all rather than a wrong one
                raise RegistryError(
                    f"the registry answered {len(anchors)} anchors for {len(chunk)} keys"
                )
            found.extend(anchor is not None for anchor in anchors)
        return found

    def anchor(self, commitments, vouched=False):
        """Anchors [{deviceId, fieldCode, commitment}]; returns the ledger transaction id."""
        data = self._call(
            "mutation ($c: ID!, $list: [CommitmentInput!]!, $vouched: Boolean) {"
            " anchorCommitments(systemCode: $c, commitments: $list, vouched: $vouched)"
            " { txId count } }",
            {"c": self._system_code, "list": commitments, "vouched": vouched},
        )
        return data["anchorCommitments"]["txId"]

    def _call(self, query, variables):
        headers = {"authorization": f"Bearer {self._read_api_key()}"}
        body = {"query": query, "variables": variables}
        try:
            answer = post_json(self._url, body, headers, timeout=self._timeout)
        except urllib.error.HTTPError as error:
            answer = _json_or_none(error)
            if answer is None:
                raise RegistryError(f"the registry answered HTTP {error.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise RegistryError(f"the registry did not answer: {error}") from None
        errors = answer.get("errors") or []
        if errors:
            first = errors[0]
            code = (first.get("extensions") or {}).get("code", "ERROR")
            raise RegistryError(f"{code}: {first.get('message', '')}")
        return answer["data"]


def _json_or_none(error):
    try:
        return json.load(error)
    except ValueError:
        return None
