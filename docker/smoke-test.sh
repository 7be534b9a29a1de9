#!/usr/bin/env bash
# Runs a built image as compose would (.env.example, the image's own HEALTHCHECK) against the Redis on
# 127.0.0.1:6379, waits until Docker reports it healthy, then stops it as `docker stop` does and expects
# exit 0: tini handed SIGTERM to node and the app shut down gracefully. Needs a Docker engine (CI).
# Usage: docker/smoke-test.sh <app> <image>
set -euo pipefail

app="${1:?usage: docker/smoke-test.sh <app> <image>}"
image="${2:?usage: docker/smoke-test.sh <app> <image>}"
name="nightshift-smoke-$app-$$"

# What .env.example leaves to the operator and the app needs in production: the stand-ins its package.json declares.
settings="$(node scripts/lib/apps.mjs production-env "$app")"
required=()
while IFS= read -r setting; do
  if [ -n "$setting" ]; then required+=(-e "$setting"); fi
done <<< "$settings"

cleanup() { docker rm --force "$name" > /dev/null 2>&1 || true; }
trap cleanup EXIT

# Files in a folder of the container: .env.example names compose's bucket, which only compose's network has.
docker run --detach --name "$name" --network host --env-file .env.example "${required[@]}" -e STORAGE_URL=file:///tmp/nightshift-storage \
  -e REDIS_URL=redis://127.0.0.1:6379 -e "QUEUE_PREFIX={smoke-$app-$$}" \
  --health-interval 2s --health-start-period 60s "$image" > /dev/null

for _ in $(seq 1 60); do
  status="$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.Status}}' "$name")"
  case "$status" in
    "healthy running") break ;;
    *exited* | *dead* | "unhealthy "*)
      docker logs "$name" || true
      echo "$app: the container is $status, not healthy" >&2
      exit 1
      ;;
  esac
  sleep 2
done
if [ "$status" != "healthy running" ]; then
  docker logs "$name" || true
  echo "$app: not healthy after 120 s (last: $status)" >&2
  exit 1
fi

docker stop --time 40 "$name" > /dev/null
code="$(docker inspect --format '{{.State.ExitCode}}' "$name")"
docker logs "$name" 2>&1 | tail -n 5
if [ "$code" != 0 ]; then
  echo "$app: exited $code after docker stop, expected 0 (graceful shutdown)" >&2
  exit 1
fi
echo "$app: healthy, and exited 0 on docker stop"
