"""The system's HTTP server: GraphQL over POST at `/` (and `/graphql`), `/healthz` for probes."""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY_BYTES = 1 << 20
GRAPHQL_PATHS = {"/", "/graphql"}


def make_server(host, port, endpoint):
    """A threading HTTP server answering with `endpoint` (a GraphqlEndpoint)."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "plant-mes"
        sys_version = ""

        def do_POST(self):
            if self.path.split("?")[0] not in GRAPHQL_PATHS:
                return self._send(
                    404,
                    {"errors": [{"message": "Not found.", "extensions": {"code": "NOT_FOUND"}}]},
                )
            length = self.headers.get("content-length") or "0"
            if not length.isdigit():
                return self._send(411, _refusal("The request has no valid content-length."))
            length = int(length)
            if length > MAX_BODY_BYTES:
                return self._send(413, _refusal("The request body is too large."))
            try:
                body = json.loads(self.rfile.read(length) or b"null")
            except ValueError:
                return self._send(400, _refusal("The request body is not JSON."))
            self._send(200, endpoint.answer(body, self.headers.get))

        def do_GET(self):
            if self.path == "/healthz":
                return self._send(200, {"status": "ok"})
            self._send(
                404, {"errors": [{"message": "Not found.", "extensions": {"code": "NOT_FOUND"}}]}
            )

        def _send(self, status, answer):
            data = json.dumps(answer).encode("utf-8")
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_):
            pass  # requests carry grants; nothing of them is logged

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def _refusal(message):
    return {"errors": [{"message": message, "extensions": {"code": "BAD_INPUT"}}]}
