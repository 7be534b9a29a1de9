# syntax=docker/dockerfile:1
# The email worker's image. Build from the repository root:
#   docker build -f docker/worker-email.Dockerfile -t nightshift-worker-email .
# Debian (glibc), not alpine: the same base for every app, and sharp's prebuilt libvips is linux-x64 glibc.
ARG NODE_IMAGE=node:26.12.1-bookworm-slim

# Only what the worker depends on, its manifests split from its sources so the install layer is cached.
FROM ${NODE_IMAGE} AS prune
WORKDIR /repo
RUN npm install --global turbo@2.11.11
COPY . .
RUN turbo prune @nightshift/worker-email --docker

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
RUN npm install --global pnpm@12.4.2
COPY --from=prune /repo/out/json/ ./
RUN pnpm install --frozen-lockfile
COPY --from=prune /repo/out/full/ ./
COPY tsconfig.base.json ./
RUN pnpm exec turbo run build --filter=@nightshift/worker-email
# Production dependencies only; workspace packages are copied in with their dist (no sources, no symlinks out).
RUN pnpm deploy --prod --filter=@nightshift/worker-email /prod/app

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM to node, so `docker stop` gets a graceful shutdown and exit 0.
RUN apt-get update \
  && apt-get install --yes --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /data/storage \
  && chown node:node /data/storage
ENV NODE_ENV=production METRICS_PORT=9100 STORAGE_DIR=/data/storage
WORKDIR /app
# Owned by root and read-only to the app: it writes only to STORAGE_DIR.
COPY --from=build /prod/app ./
COPY docker/healthcheck.mjs /usr/local/lib/nightshift/healthcheck.mjs
USER node
# /healthz and /metrics.
EXPOSE 9100
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "/usr/local/lib/nightshift/healthcheck.mjs", "METRICS_PORT", "9100"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
