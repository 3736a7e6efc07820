# jobtrends as an always-on container: `jobtrends serve` collecting into /data.
# Build: docker build -t jobtrends .   Run: docker run -d -v "$PWD/data:/data" jobtrends
# scripts/dockerfile_smoke.py runs these RUN steps in a clean virtualenv where no Docker runs.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    JOBTRENDS_DB=/data/jobtrends.duckdb

WORKDIR /app

# Dependencies first, from pyproject.toml alone: this layer is rebuilt only when they change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip install --no-cache-dir -r requirements.txt

# Then the source; --no-deps because the layer above has them.
COPY . .
RUN pip install --no-cache-dir --no-deps . \
    && jobtrends --help

RUN useradd --create-home --uid 10001 jobtrends \
    && mkdir -p /data \
    && chown jobtrends /data
USER 10001
VOLUME ["/data"]

# APScheduler's service stops cleanly on SIGTERM: the current cycle's transaction finishes.
STOPSIGNAL SIGTERM
# The first cycle may take minutes; after that a cycle is due every 15 minutes by default.
HEALTHCHECK --interval=5m --timeout=30s --start-period=20m --retries=3 \
    CMD ["jobtrends", "health"]
CMD ["jobtrends", "serve"]
