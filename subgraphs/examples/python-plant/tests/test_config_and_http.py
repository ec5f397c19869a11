import http.client
import json
import os
import sys
import tempfile
import threading
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from plant_mes.config import ConfigError, load_config, read_api_key  # noqa: E402
from plant_mes.http_server import MAX_BODY_BYTES, make_server  # noqa: E402

SETTINGS = {
    "subgraphName": "mes",
    "systemCode": "88.1001.1",
    "database": "mes.db",
    "journal": "mes.anchors.db",
    "jwksUrl": "http://127.0.0.1:4000/.well-known/jwks.json",
    "registryUrl": "http://127.0.0.1:4000/registry",
    "apiKeyFile": "mes.api-key",
}


class ConfigTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.file = os.path.join(self.dir.name, "mes.json")

    def tearDown(self):
        self.dir.cleanup()

    def write(self, settings):
        with open(self.file, "w", encoding="utf-8") as file:
            json.dump(settings, file)

    def test_reads_paths_from_the_files_folder_and_settings_from_the_environment(self):
        self.write(SETTINGS)
        config = load_config(self.file, {"PLANT_MES_PORT": "4999"})
        self.assertEqual(config.database, os.path.join(self.dir.name, "mes.db"))
        self.assertEqual(config.port, 4999)
        self.assertEqual(config.skew_seconds, 30)

    def test_names_the_setting_that_is_wrong(self):
        for name, value in [
            ("port", 70000),
            ("jwksUrl", "file:///etc/passwd"),
            ("systemCode", "88"),
        ]:
            with self.subTest(name=name):
                self.write({**SETTINGS, name: value})
                with self.assertRaisesRegex(ConfigError, name):
                    load_config(self.file, {})
        self.write({k: v for k, v in SETTINGS.items() if k != "registryUrl"})
        with self.assertRaisesRegex(ConfigError, "registryUrl is required"):
            load_config(self.file, {})

    def test_refuses_an_api_key_file_others_may_read(self):
        key = os.path.join(self.dir.name, "mes.api-key")
        with open(key, "w", encoding="utf-8") as file:
            file.write("gmk_secret\n")
        os.chmod(key, 0o644)
        with self.assertRaisesRegex(ConfigError, "0600") as raised:
            read_api_key(key)
        self.assertNotIn("gmk_secret", str(raised.exception))
        os.chmod(key, 0o600)
        self.assertEqual(read_api_key(key), "gmk_secret")


class EchoEndpoint:
    def answer(self, body, header):
        return {"data": {"body": body, "grant": header("x-gridmark-grant")}}


class HttpServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = make_server("127.0.0.1", 0, EchoEndpoint())
        cls.url = "http://127.0.0.1:%d" % cls.server.server_address[1]
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def call(self, path, body=None):
        request = urllib.request.Request(
            self.url + path,
            data=body,
            headers={"content-type": "application/json", "x-gridmark-grant": "g"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def declared_length(self, length):
        """The status of a POST that declares a length and sends nothing."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.server.server_address[1], timeout=10
        )
        try:
            connection.putrequest("POST", "/")
            connection.putheader("content-length", str(length))
            connection.endheaders()
            return connection.getresponse().status
        finally:
            connection.close()

    def test_answers_graphql_posts_at_its_url(self):
        self.assertEqual(
            self.call("/", b'{"query": "{ x }"}'),
            (200, {"data": {"body": {"query": "{ x }"}, "grant": "g"}}),
        )

    def test_refuses_what_is_not_a_graphql_post(self):
        self.assertEqual(self.call("/", b"{not json")[0], 400)
        self.assertEqual(self.declared_length(MAX_BODY_BYTES + 1), 413)
        self.assertEqual(self.declared_length("ten"), 411)
        self.assertEqual(self.call("/admin", b"{}")[0], 404)
        self.assertEqual(self.call("/healthz"), (200, {"status": "ok"}))


if __name__ == "__main__":
    unittest.main()
