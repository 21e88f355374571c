# Relais en conteneur : image mince, utilisateur sans privilèges, données et dépôt en volumes.
#
#   docker build -t relais .            (ou : podman build -t relais .)
#   docker compose up -d                (voir compose.yaml)
#
# PYTHON_IMAGE : toute image Debian avec python3 3.11 à 3.13 et son module venv.
ARG PYTHON_IMAGE=python:3.12-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
COPY pyproject.toml requirements.lock README.md ./
COPY bot ./bot
COPY cogs ./cogs
# Only what Relais needs to run (the lock pins it; test and lint tools stay out of the image).
RUN python3 -m venv /opt/relais \
 && /opt/relais/bin/pip install --constraint requirements.lock . \
 && /opt/relais/bin/pip uninstall --yes pip \
 && find /opt/relais -name __pycache__ -prune -exec rm -rf {} +

FROM ${PYTHON_IMAGE}
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin relais \
 && mkdir -p /app /data /inbox \
 && chown relais:relais /data /inbox
COPY --from=build /opt/relais /opt/relais
COPY config /app/config
ENV PATH=/opt/relais/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    RELAIS_CONFIG_DIR=/app/config \
    RELAIS_DATABASE=/data/relais.db \
    RELAIS_INBOX=/inbox \
    RELAIS_WEB_LISTEN=0.0.0.0:8765 \
    RELAIS_LOG_FORMAT=json
USER relais
WORKDIR /data
VOLUME ["/data", "/inbox"]
EXPOSE 8765
# `relais sante` asks the listener for /sante: 0 when healthy, 1 otherwise (said in French).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["relais", "sante"]
ENTRYPOINT ["relais"]
CMD ["run"]
