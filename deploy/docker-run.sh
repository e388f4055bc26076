#!/usr/bin/env bash
# hostlet itself in a container, with plain `docker` (the same thing as deploy/docker-compose.yml).
#
#   mvn -B package -DskipTests && deploy/docker-run.sh [MANIFESTS_DIR]
#
# MANIFESTS_DIR (default: the repository's manifests/ folder, or $HOSTLET_MANIFESTS) is mounted
# read-only at /manifests. Builds hostlet:local from deploy/Dockerfile (it copies target/quarkus-app;
# its eclipse-temurin:17-jre base has to be pulled once; BASE=<image> picks another Java 17+ base),
# then replaces any previous `hostlet` container. Status and health: curl -s 127.0.0.1:8799/q/health
# Optional: HOSTLET_INSTANCE (hostlet's owner name on the engine), HOSTLET_IMAGE, HOSTLET_CONTAINER_NAME,
# HOSTLET_API_TOKEN_FILE (a file on the host holding a bearer token that /api/v1 then requires),
# HOSTLET_SECRETS (a host folder for env[].valueFrom.file, envFrom and secrets; mounted read-only).
#
# The API: the image listens on 0.0.0.0 inside the container (loopback there would be unreachable), the port is
# published on the host's 127.0.0.1 only, and the container sits on a network of its own (hostlet-api), so the
# containers hostlet runs (on the default bridge or their own networks) cannot reach it.
#
# hostlet does not manage itself: it only touches containers labelled io.hostlet.managed=true, so this
# container carries NO io.hostlet.* label. Removing this container leaves the managed containers running.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MANIFESTS="${1:-${HOSTLET_MANIFESTS:-$ROOT/manifests}}"
IMAGE="${HOSTLET_IMAGE:-hostlet:local}"
NAME="${HOSTLET_CONTAINER_NAME:-hostlet}"

[[ -d "$MANIFESTS" ]] || { echo "no such manifests folder: $MANIFESTS" >&2; exit 1; }
MANIFESTS="$(cd "$MANIFESTS" && pwd)"
[[ -f "$ROOT/target/quarkus-app/quarkus-run.jar" ]] \
  || { echo "build hostlet first: mvn -B package -DskipTests" >&2; exit 1; }

build_args=()
[[ -n "${BASE:-}" ]] && build_args+=(--build-arg "BASE=$BASE")
docker build ${build_args[@]+"${build_args[@]}"} -f "$ROOT/deploy/Dockerfile" -t "$IMAGE" "$ROOT"

docker rm -f "$NAME" >/dev/null 2>&1 || true
docker network inspect hostlet-api >/dev/null 2>&1 || docker network create hostlet-api >/dev/null
token_args=()
if [[ -n "${HOSTLET_API_TOKEN_FILE:-}" ]]; then
  token_args+=(-v "$HOSTLET_API_TOKEN_FILE:/run/secrets/hostlet-api-token:ro"
               -e HOSTLET_API_TOKEN_FILE=/run/secrets/hostlet-api-token)
fi
secrets_args=()
if [[ -n "${HOSTLET_SECRETS:-}" ]]; then
  [[ -d "$HOSTLET_SECRETS" ]] || { echo "no such secrets folder: $HOSTLET_SECRETS" >&2; exit 1; }
  secrets_args+=(-v "$(cd "$HOSTLET_SECRETS" && pwd):/run/hostlet-secrets:ro"
                 -e HOSTLET_SECRETS_DIR=/run/hostlet-secrets)
fi
docker run -d \
  --network hostlet-api \
  --name "$NAME" \
  --restart unless-stopped \
  --label org.opencontainers.image.title=hostlet \
  -e HOSTLET_MANIFESTS_DIR=/manifests \
  -e DOCKER_HOST=unix:///var/run/docker.sock \
  -e HOSTLET_INSTANCE="${HOSTLET_INSTANCE:-default}" \
  -v /var/run/docker.sock:/var/run/docker.sock \
  -v "$MANIFESTS:/manifests:ro" \
  -e HOSTLET_STATE_DIR=/var/lib/hostlet \
  -v hostlet-state:/var/lib/hostlet \
  -p 127.0.0.1:8799:8799 \
  ${token_args[@]+"${token_args[@]}"} \
  ${secrets_args[@]+"${secrets_args[@]}"} \
  --stop-signal SIGTERM \
  --stop-timeout 30 \
  "$IMAGE"
echo "hostlet is running as container '$NAME' (manifests: $MANIFESTS); logs: docker logs -f $NAME" >&2
