"""Outbound HTTP with explicit deadlines that follows no redirect: a redirect would carry the
system's API key, or the trust in a key set, to a host nobody configured."""

import json
import urllib.request


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None  # answered as the HTTP error it is


_opener = urllib.request.build_opener(_NoRedirects)


def get_json(url, timeout=10):
    """The JSON at `url`."""
    with _opener.open(url, timeout=timeout) as response:
        return json.load(response)


def post_json(url, body, headers, timeout=30):
    """POSTs `body` as JSON; returns the JSON answer. Raises urllib's errors."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={"content-type": "application/json", **headers},
    )
    with _opener.open(request, timeout=timeout) as response:
        return json.load(response)
