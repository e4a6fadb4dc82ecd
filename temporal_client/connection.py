"""The connection to Temporal, as every client and worker makes it from the settings."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client, RetryConfig

from settings import Settings
from temporal_client.converter import DATA_CONVERTER


async def connect(settings: Settings, *, lazy: bool = False, give_up: bool = False) -> Client:
    """A client with poflow's data converter (every client and worker must share it).

    ``give_up``: connecting, and retrying a call the server did not answer, stop after
    ``connect_timeout_seconds`` (the web app then answers 503) instead of the client's 10 s."""
    seconds = settings.connect_timeout_seconds
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=DATA_CONVERTER,
        lazy=lazy,
        connect_timeout=timedelta(seconds=seconds) if give_up else None,
        retry_config=RetryConfig(max_elapsed_time_millis=seconds * 1000) if give_up else None,
    )
