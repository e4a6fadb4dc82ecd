"""Liveness and readiness for operators and orchestrators."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from temporalio.client import Client

from api.deps import RuntimeDep

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up and serving."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Postgres or Temporal is unreachable"}})
async def readyz(runtime: RuntimeDep) -> JSONResponse:
    """Postgres and Temporal both answer; otherwise 503 naming which one failed and why."""
    checks = {
        "postgres": await run_in_threadpool(_postgres_problem, runtime.engine),
        "temporal": await _temporal_problem(runtime.temporal),
    }
    ready = not any(checks.values())
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    return JSONResponse(body, status_code=200 if ready else 503)


def _postgres_problem(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        return f"unreachable: {_first_line(error)}"
    return None


async def _temporal_problem(client: Client) -> str | None:
    try:
        await client.service_client.check_health(timeout=timedelta(seconds=2))
    except Exception as error:
        return f"unreachable: {_first_line(error)}"
    return None


def _first_line(error: Exception) -> str:
    message = str(error).strip()
    return message.splitlines()[0] if message else type(error).__name__
