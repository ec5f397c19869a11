"""The commands: `python3 -m plant_mes seed --database mes.db` creates the MES database,
`python3 -m plant_mes serve --config mes.json` serves it and anchors its values, and
`python3 -m plant_mes update-firmware --config mes.json --serial INV-0003 --version 3.0.1` is the
MES's own write path: it records an update and anchors the new value, vouched for."""

import argparse
import os
import signal
import sys
import threading

from .anchor_journal import AnchorJournal
from .anchoring import Anchorer
from .config import ConfigError, load_config, read_api_key
from .graphql_endpoint import GraphqlEndpoint
from .gateway_keys import GatewayKeySet
from .grants import GrantVerifier
from .http_client import get_json
from .http_server import make_server
from .mes_store import SHARED_FIELDS, MesStore, record_firmware, seed
from .registry_client import RegistryClient, RegistryError
from .sealed_grants import GrantChannels
from .subgraph import build_schema, render_sdl


def log(message):
    print(f"plant-mes: {message}", file=sys.stderr, flush=True)


def anchoring_loop(config, anchorer, stopping):
    """Waits for the API key file, then anchors every interval until stopped."""
    waiting_told = False
    while not stopping.is_set():
        if not os.path.exists(config.api_key_file):
            if not waiting_told:
                log(f"waiting for the system API key file {config.api_key_file}")
                waiting_told = True
        else:
            try:
                anchored, unprovable = anchorer.anchor_pass()
                print(f"anchor pass: {anchored} anchored, {unprovable} unprovable", flush=True)
            except Exception as error:  # the loop outlives any one failed pass
                log(f"anchoring failed, will retry: {type(error).__name__}: {error}")
        stopping.wait(config.anchor_interval_seconds)


def serve(config):
    if not os.path.exists(config.database):
        raise ConfigError(f"database {config.database} does not exist (run the seed command first)")
    store = MesStore(config.database, config.system_code)
    journal = AnchorJournal(config.journal)
    keys = GatewayKeySet(config.jwks_url, get_json, log)
    if keys.refresh():
        log(f"trusting the gateway's keys at {config.jwks_url}")
    channels = None
    if config.sealed_grants:
        channels = GrantChannels(config.subgraph_name, keys, config.skew_seconds, log=log)
    verifier = GrantVerifier(
        config.subgraph_name, keys, skew_seconds=config.skew_seconds, channels=channels
    )
    schema = build_schema(render_sdl(config.title))
    server = make_server(
        config.host, config.port, GraphqlEndpoint(schema, verifier, store, journal, log)
    )
    registry = RegistryClient(
        config.registry_url, config.system_code, lambda: read_api_key(config.api_key_file)
    )
    stopping = threading.Event()
    anchorer = Anchorer(store, journal, registry, SHARED_FIELDS, log)
    worker = threading.Thread(target=anchoring_loop, args=(config, anchorer, stopping), daemon=True)
    worker.start()

    def stop(*_):
        stopping.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = server.server_address[:2]
    print(f"{config.subgraph_name} serving at http://{host}:{port}/", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        worker.join(timeout=35)
    print(f"{config.subgraph_name} stopped", flush=True)


def update_firmware(config, serial, version):
    """Records a firmware update and anchors the new value, vouched for by this write path."""
    read_api_key(config.api_key_file)  # refuses before anything is recorded
    record_firmware(config.database, serial, version)
    store = MesStore(config.database, config.system_code)
    registry = RegistryClient(
        config.registry_url, config.system_code, lambda: read_api_key(config.api_key_file)
    )
    anchorer = Anchorer(store, AnchorJournal(config.journal), registry, SHARED_FIELDS, log)
    anchored, _ = anchorer.anchor_now([f"{config.system_code}/{serial}"])
    print(f"recorded firmware {version} of {serial}; {anchored} values anchored, vouched")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="plant_mes")
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser("seed", help="create the MES database with a few inverters")
    seeding.add_argument("--database", required=True)
    serving = commands.add_parser("serve", help="serve the subgraph and anchor its values")
    serving.add_argument("--config", default=os.environ.get("PLANT_MES_CONFIG"))
    updating = commands.add_parser(
        "update-firmware", help="record a firmware update and anchor it, vouched"
    )
    updating.add_argument("--config", default=os.environ.get("PLANT_MES_CONFIG"))
    updating.add_argument("--serial", required=True)
    updating.add_argument("--version", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "seed":
            print(f"seeded {seed(args.database)} inverters into {args.database}")
        elif args.command == "update-firmware":
            update_firmware(load_config(args.config), args.serial, args.version)
        else:
            serve(load_config(args.config))
    except (ConfigError, FileExistsError) as error:
        print(f"BAD_CONFIGURATION: {error}", file=sys.stderr)
        return 2
    except LookupError as error:
        print(f"NOT_FOUND: {error}", file=sys.stderr)
        return 6
    except RegistryError as error:
        print(
            f"LEDGER_UNAVAILABLE: the update is recorded but not anchored: {error}", file=sys.stderr
        )
        return 7
    return 0


if __name__ == "__main__":
    sys.exit(main())
