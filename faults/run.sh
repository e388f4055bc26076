#!/usr/bin/env bash
# hostlet's fault suite (issue 10): black-box, the packaged jar against a private Docker engine in a network
# namespace of its own (scripts/engine-ns.sh), never the host's engine. Prints trials, faults and losses per
# scenario; exits non-zero on any loss. Needs root (the private engine).
#
#   faults/run.sh            full: 10 engine kills, 30 hostlet kills, the whole corpus, volumes (~25 minutes)
#   faults/run.sh --quick    2 / 5 / the whole corpus / volumes, for CI (~5 minutes)
#   faults/run.sh [--quick] --only engine,hostlet,corpus  --seed N  ...   (see faults/run.py --help)
#
# Knobs: HOSTLET_FAULTS_ENGINE  a running private engine's name to use (kept afterwards); by default one named
#                               hlf<pid> is started and stopped (with its data) at exit;
#        HOSTLET_FAULTS_ENGINE_KIND  the kind of engine it starts (scripts/engine-ns.sh; default docker28, the newest
#                               Docker here: sid's 28.5 with the containerd image store and API floor 1.44);
#        HOSTLET_FAULTS_WORK    where logs and manifests go (default: a new /var/tmp/hostlet-faults.XXXX, kept).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { echo "[faults/run.sh] $*" >&2; }

APP="$ROOT/target/quarkus-app"
if [[ ! -f "$APP/quarkus-run.jar" ]]; then
  log "no packaged jar; mvn -o -q package -DskipTests"
  mvn -o -q package -DskipTests
fi
WORK="${HOSTLET_FAULTS_WORK:-$(mktemp -d /var/tmp/hostlet-faults.XXXX)}"
mkdir -p "$WORK"
# A private copy of the application: a `mvn package` beside the run must not pull jars from under hostlet.
cp -r "$APP" "$WORK/app"

ENGINE="${HOSTLET_FAULTS_ENGINE:-}"
OWN_ENGINE=""
cleanup() {
  if [[ -n "$OWN_ENGINE" ]]; then
    "$ROOT/scripts/engine-ns.sh" stop "$OWN_ENGINE" --purge || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [[ -z "$ENGINE" ]]; then
  ENGINE="hlf$(( $$ % 100000 ))"
  OWN_ENGINE="$ENGINE"
fi
if [[ -n "$OWN_ENGINE" ]]; then
  "$ROOT/scripts/engine-ns.sh" start "$ENGINE" "${HOSTLET_FAULTS_ENGINE_KIND:-docker28}" >/dev/null
else
  "$ROOT/scripts/engine-ns.sh" start "$ENGINE" >/dev/null  # as it was started before
fi
IMAGE=hostlet-test/busybox:1
if ! docker image inspect "$IMAGE" >/dev/null 2>&1 && ! DOCKER_HOST="$("$ROOT/scripts/engine-ns.sh" host "$ENGINE")" docker image inspect "$IMAGE" >/dev/null 2>&1; then
  DOCKER_HOST="$("$ROOT/scripts/engine-ns.sh" host "$ENGINE")" "$ROOT/scripts/build-test-image.sh" "$IMAGE"
else
  "$ROOT/scripts/engine-ns.sh" load "$ENGINE" "$IMAGE"
fi
log "engine $ENGINE, work folder $WORK"
set +e
python3 "$ROOT/faults/run.py" --engine-name "$ENGINE" --jar "$WORK/app/quarkus-run.jar" --work "$WORK" "$@"
rc=$?
set -e
exit "$rc"
