#!/usr/bin/env bash
# The container image, built here without a registry and run on the examples.
#
#   scripts/image-test.sh [TAG]        default TAG: hostlet-test/hostlet:local
#
# Builds deploy/Dockerfile (the file users elsewhere build on eclipse-temurin:17-jre) with BASE set to the Debian
# root of scripts/debian-root.sh (mmdebstrap from Debian's packages, imported: nothing is pulled), so the image
# tested is the Dockerfile users get. Then runs it as deploy/docker-run.sh does (the engine's socket, a manifests
# folder read-only at /manifests) on a copy of the worker example under names of this run's own, and waits for
# the example to run. Needs target/quarkus-app (mvn package), root (mmdebstrap) and an engine on a unix socket.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TAG="${1:-hostlet-test/hostlet:local}"
SOCK="${DOCKER_HOST:-unix:///var/run/docker.sock}"
SOCK="${SOCK#unix://}"
NAME="image-test-$$"
start=$SECONDS
log() { echo "[image-test] $*" >&2; }
fail() { log "FAILED: $*"; docker logs --tail 30 "$NAME" >&2 2>/dev/null || true; exit 1; }
[[ -f $ROOT/target/quarkus-app/quarkus-run.jar ]] || fail "target/quarkus-app is missing (mvn package)"

work="$(mktemp -d)"
cleanup() {
  docker rm -f "$NAME" "$NAME-worker" >/dev/null 2>&1 || true
  docker network rm "$NAME" >/dev/null 2>&1 || true
  docker volume rm "$NAME-data" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

BASE="$("$ROOT/scripts/debian-root.sh")"
log "docker build -f deploy/Dockerfile --build-arg BASE=$BASE -t $TAG"
# No --pull: BASE is the local image. Only the files the Dockerfile copies are sent (target/quarkus-app, deploy/).
(cd "$ROOT" && tar -c --exclude='target/quarkus-app/hostlet.jsa' target/quarkus-app deploy/Dockerfile deploy/jvm.options |
  docker build -q -f deploy/Dockerfile --build-arg BASE="$BASE" -t "$TAG" - >/dev/null) || fail "docker build"

mkdir -p "$work/manifests"
sed -e "s/name: worker$/name: $NAME-worker/" -e "s/worker-data/$NAME-data/" -e "s/networks: \[demo\]/networks: [$NAME]/" \
  "$ROOT/manifests/worker.yaml" > "$work/manifests/worker.yaml"
chmod -R a+rX "$work"
docker run -d --name "$NAME" -v "$SOCK:/var/run/docker.sock" -v "$work/manifests:/manifests:ro" \
  -e HOSTLET_INSTANCE="$NAME" "$TAG" >/dev/null || fail "docker run"
deadline=$((SECONDS + 120))
until [[ "$(docker inspect -f '{{.State.Running}}' "$NAME-worker" 2>/dev/null)" == true ]]; do
  (( SECONDS < deadline )) || fail "the example did not run within 120 s"
  [[ "$(docker inspect -f '{{.State.Running}}' "$NAME" 2>/dev/null)" == true ]] || fail "hostlet's container stopped"
  sleep 0.5
done
[[ "$(docker inspect -f '{{index .Config.Labels "io.hostlet.instance"}}' "$NAME-worker")" == "$NAME" ]] ||
  fail "the example does not carry this hostlet's instance label"
log "passed in $((SECONDS - start)) s: $TAG ($(docker image inspect -f '{{.Size}}' "$TAG" | awk '{printf "%d MB", $1/1e6}'))"
