"""moto's S3 server in a process of its own on a loopback port: the real S3 REST protocol, as
boto3 speaks it to AWS or to any S3-compatible store."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx

from devstack.tcp_ports import free_port
from settings.cost_files import CostFileStores

ACCESS_KEY, SECRET_KEY = "testing", "testing"


class S3Server:
    """A moto S3 server at ``url`` (started by ``start``, stopped by ``stop``)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> S3Server:
        moto = Path(sys.executable).parent / "moto_server"
        self._process = subprocess.Popen(
            [str(moto), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(300):
            with contextlib.suppress(httpx.TransportError):
                httpx.get(f"{self.url}/moto-api/", timeout=1)
                return self
            time.sleep(0.1)
        raise RuntimeError("moto's S3 server did not start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def stores(self, root: Path) -> CostFileStores:
        """Cost-file settings with this server's credentials and folders under ``root``."""
        return CostFileStores(
            upload_dir=root / "uploads",
            work_dir=root / "work",
            s3_access_key_id=ACCESS_KEY,
            s3_secret_access_key=SECRET_KEY,
            s3_region="us-east-1",
            s3_endpoint_url=None,
        )


@contextlib.contextmanager
def s3_server() -> Iterator[S3Server]:
    server = S3Server().start()
    try:
        yield server
    finally:
        server.stop()
