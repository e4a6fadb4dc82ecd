# One image for every poflow process; the command picks the role:
#   poflow api (default) | poflow worker | poflow migrate | poflow seed
# docker-compose.yml runs api, worker and migrate from this image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    POFLOW_API_HOST=0.0.0.0 \
    POFLOW_API_PORT=8000

RUN groupadd --system --gid 10001 poflow \
    && useradd --system --uid 10001 --gid poflow --create-home --home-dir /home/poflow \
        --shell /usr/sbin/nologin poflow

WORKDIR /app

# Pinned dependencies first: this layer is rebuilt only when requirements.lock changes.
COPY requirements.lock ./
RUN pip install -r requirements.lock

# Then the source. Copied by name (not `COPY . .`) so a local .env, .venv, .poflow or .git never
# ends up in the image. Keep this list in step with [tool.setuptools] in pyproject.toml.
COPY pyproject.toml README.md alembic.ini worker.py ./
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY adapters ./adapters
COPY services ./services
COPY api ./api
COPY models ./models
COPY temporal_client ./temporal_client
COPY devstack ./devstack
COPY cli ./cli
COPY bench ./bench
COPY settings ./settings
COPY templates ./templates
# Editable, so the app finds templates/ and the migrations beside its code in /app.
RUN pip install --no-deps -e .
# Where the worker writes audit checkpoints (a volume in docker-compose.yml), owned by poflow.
RUN mkdir -p /var/lib/poflow/audit-checkpoints && chown -R poflow:poflow /var/lib/poflow

USER poflow

EXPOSE 8000

# Only meaningful for `poflow api`; docker-compose.yml disables it for the worker and migrate.
# python:3.11-slim has no curl, so probe with urllib (non-2xx or no answer -> exit 1).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('POFLOW_API_PORT', '8000') + '/healthz', timeout=4)"]

CMD ["poflow", "api"]
