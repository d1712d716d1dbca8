# syntax=docker/dockerfile:1
#
# The image an Airbyte instance runs: klaviyo-sync as an Airbyte connector (docs/protocols.md).
# One Dockerfile, two images: the source (default) and the destination.
#
#   docker build -t klaviyo-sync/source-klaviyo:0.1.0 .
#   docker build --build-arg ROLE=destination -t klaviyo-sync/destination-klaviyo:0.1.0 .
#
# Airbyte runs `<image> spec`, `check --config ...`, `discover --config ...`,
# `read --config ... --catalog ... [--state ...]` (source) and `write --config ... --catalog ...`
# (destination); ROLE decides what spec, check and discover describe.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: `prepare` would build before the sources are here (the build is below).
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY spec ./spec
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:20-bookworm-slim
ARG ROLE=source
ARG VERSION=0.1.0
WORKDIR /airbyte/integration_code
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY spec ./spec
# The destination keeps its load state (what Klaviyo confirmed) in .klaviyo-sync/state.duckdb under
# the working directory, /data, unless the config's `state` says otherwise: mount a volume at /data
# to keep it between syncs (without one, every sync sends every record it receives).
RUN mkdir -p /data && chown node:node /data
WORKDIR /data
ENV NODE_ENV=production \
    KLAVIYO_SYNC_AIRBYTE_ROLE=${ROLE} \
    AIRBYTE_ENTRYPOINT="node /airbyte/integration_code/bin/klaviyo-sync.js airbyte"
USER node
ENTRYPOINT ["node", "/airbyte/integration_code/bin/klaviyo-sync.js", "airbyte"]
LABEL io.airbyte.name="klaviyo-sync/${ROLE}-klaviyo" \
      io.airbyte.version="${VERSION}" \
      org.opencontainers.image.description="klaviyo-sync as an Airbyte ${ROLE} for Klaviyo"
