# syntax=docker/dockerfile:1
# Targets:
#   runtime  the app (default in docker-compose.yml):  docker build --target runtime -t interviewer:local .
#   test     the CI suite, run at build time:           docker build --build-context shared=../shared --target test .
# The test target needs ../shared (seed documents, as in CI); without --build-context the seed tests fail.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LANG=C.UTF-8

# Build a self-contained virtualenv with the app and the PostgreSQL driver; only the venv is kept.
FROM base AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY interviewer ./interviewer
COPY question_bank ./question_bank
COPY prompts ./prompts
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --upgrade pip \
    && /opt/venv/bin/pip install '.[postgres]'

FROM base AS runtime
COPY --from=build /opt/venv /opt/venv
# Data and config live in /data (a volume in compose): SQLite file, drafts, config.toml.
ENV PATH=/opt/venv/bin:$PATH \
    INTERVIEWER_DATA_DIR=/data \
    INTERVIEWER_CONFIG_DIR=/data/config \
    TERM=xterm-256color \
    COLORTERM=truecolor
RUN useradd --create-home --uid 1000 interviewer \
    && mkdir -p /data/config \
    && chown -R interviewer:interviewer /data
USER interviewer
WORKDIR /home/interviewer
VOLUME ["/data"]
ENTRYPOINT ["interviewer"]

# Empty stand-in for the named build context `shared` (../shared in CI); --build-context replaces it.
FROM scratch AS shared

# The same command CI runs (.ci/run -> scripts/test.sh): apt packages, .venv, .venv-vllm, ruff,
# import contracts, mypy, pytest. The layout mirrors CI: the repo with shared/ beside it.
FROM base AS test
WORKDIR /work/main
COPY --from=shared . /work/shared/
COPY . .
ARG PYTEST_ARGS=""
RUN CI=true bash scripts/test.sh ${PYTEST_ARGS}
