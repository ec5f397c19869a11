"""The system's configuration: a small JSON file, each setting overridable from the environment.

Relative paths are read from the configuration file's folder. The system API key is read from
its file (owner-only) when anchoring needs it, and never logged.
"""

import json
import os
import re
from dataclasses import dataclass

ENVIRONMENT = {
    "PLANT_MES_SUBGRAPH_NAME": "subgraphName",
    "PLANT_MES_SYSTEM_CODE": "systemCode",
    "PLANT_MES_DATABASE": "database",
    "PLANT_MES_JOURNAL": "journal",
    "PLANT_MES_HOST": "host",
    "PLANT_MES_PORT": "port",
    "PLANT_MES_JWKS_URL": "jwksUrl",
    "PLANT_MES_SKEW_SECONDS": "skewSeconds",
    "PLANT_MES_REGISTRY_URL": "registryUrl",
    "PLANT_MES_API_KEY_FILE": "apiKeyFile",
    "PLANT_MES_ANCHOR_INTERVAL_SECONDS": "anchorIntervalSeconds",
    "PLANT_MES_SEALED_GRANTS": "sealedGrants",
}
DEFAULTS = {
    "host": "127.0.0.1",
    "port": 4101,
    "skewSeconds": 30,
    "anchorIntervalSeconds": 10,
    "sealedGrants": False,
}
_SUBGRAPH_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
_SYSTEM_CODE = re.compile(r"(0|[1-9][0-9]{0,9})(\.(0|[1-9][0-9]{0,9})){1,7}")


@dataclass(frozen=True)
class Config:
    subgraph_name: str
    title: str
    system_code: str
    database: str
    journal: str
    host: str
    port: int
    jwks_url: str
    skew_seconds: int
    registry_url: str
    api_key_file: str
    anchor_interval_seconds: float
    sealed_grants: bool


class ConfigError(ValueError):
    """The configuration is missing, unreadable or wrong; the message names the setting."""


def load_config(path, environ=os.environ):
    """Reads the configuration file at `path` (may be None: environment only)."""
    settings, base = {}, os.getcwd()
    if path:
        try:
            with open(path, encoding="utf-8") as file:
                settings = json.load(file)
        except (OSError, ValueError) as error:
            raise ConfigError(f"cannot read the configuration {path}: {error}") from None
        if not isinstance(settings, dict):
            raise ConfigError(f"{path} is not a JSON object")
        base = os.path.dirname(os.path.abspath(path))
    settings = {**DEFAULTS, **settings}
    for variable, name in ENVIRONMENT.items():
        if environ.get(variable):
            settings[name] = environ[variable]
    return Config(
        subgraph_name=_matching(settings, "subgraphName", _SUBGRAPH_NAME),
        title=str(settings.get("title", "the inverter maker's MES")),
        system_code=_matching(settings, "systemCode", _SYSTEM_CODE),
        database=_path(settings, "database", base),
        journal=_path(settings, "journal", base),
        host=_required(settings, "host"),
        port=_number(settings, "port", int, 0, 65535),
        jwks_url=_url(settings, "jwksUrl"),
        skew_seconds=_number(settings, "skewSeconds", int, 0, 300),
        registry_url=_url(settings, "registryUrl"),
        api_key_file=_path(settings, "apiKeyFile", base),
        anchor_interval_seconds=_number(settings, "anchorIntervalSeconds", float, 0.1, 86400),
        sealed_grants=_boolean(settings, "sealedGrants"),
    )


def read_api_key(path):
    """The system API key from its file; refuses a missing file or one others may read."""
    try:
        mode = os.stat(path).st_mode & 0o777
        if mode & 0o077:
            raise ConfigError(f"{path} may be read by others (mode {mode:o}); make it 0600")
        with open(path, encoding="utf-8") as file:
            return file.read().strip()
    except OSError as error:
        raise ConfigError(f"cannot read the system API key file {path}: {error.strerror}") from None


def _required(settings, name):
    value = settings.get(name)
    if value in (None, ""):
        raise ConfigError(f"{name} is required")
    return str(value)


def _matching(settings, name, pattern):
    value = _required(settings, name)
    if not pattern.fullmatch(value):
        raise ConfigError(f"{name} {value!r} is not well formed")
    return value


def _path(settings, name, base):
    return os.path.join(base, _required(settings, name))


def _url(settings, name):
    value = _required(settings, name)
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name} must be an http or https URL")
    return value


def _boolean(settings, name):
    value = settings.get(name)
    if value in (True, False):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ConfigError(f"{name} must be true or false")


def _number(settings, name, kind, low, high):
    try:
        value = kind(_required(settings, name))
    except ValueError:
        raise ConfigError(f"{name} is not a number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}")
    return value
