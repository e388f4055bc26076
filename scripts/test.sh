#!/usr/bin/env bash
# THE test command: builds hostlet and runs every test against a real Docker engine.
#
#   scripts/test.sh [extra Maven args...]      e.g. scripts/test.sh -Dit.test=ReconcileIT
#
# On a fresh Debian machine (as root) it installs what it needs, so CI needs nothing else:
#   1. a Docker engine: $DOCKER_HOST if it answers, else /var/run/docker.sock if it answers,
#      else it installs docker.io (if dockerd is missing), starts its own dockerd in the
#      background and stops that dockerd -- only that one, by PID -- when it exits;
#   2. busybox-static, and from it the test image hostlet-test/busybox:1 (scripts/build-test-image.sh:
#      a `docker import` of a local rootfs, nothing is pulled); docker-registry for ImagesIT;
#   3. `mvn -B verify`: unit tests (surefire), then the packaged jar's *IT tests (failsafe), with
#      DOCKER_HOST and HOSTLET_TEST_IMAGE exported. Exits with Maven's exit code.
#
# Safe to rerun, from any directory. Knobs:
#   HOSTLET_TEST_MVN          the Maven command (default: mvn); HOSTLET_TEST_MVN=true runs all but Maven
#   HOSTLET_TEST_ENGINE_WAIT  seconds to wait for a dockerd this script started (default: 60)
#   HOSTLET_TEST_FAULTS       quick|full|off: after Maven passes, also run the fault suite (faults/run.sh, on a
#                             private engine of its own; see faults/README.md); default: quick (about 6-10 min)
#   HOSTLET_TEST_SWARM        on|off: SwarmExportIT deploys `hostlet export --format compose` of the examples with
#                             `docker stack deploy` on a single-node swarm of a private engine (scripts/engine-ns.sh,
#                             about 40 s); default: on as root (it needs a network namespace), off otherwise
#   HOSTLET_TEST_MATRIX       on|off: after Maven passes, run the engine-dependent integration tests again on each
#                             engine of the matrix (scripts/engine-ns.sh, each in a network namespace of its own, one
#                             after the other) with the jar and test classes just built; default: on as root
#   HOSTLET_TEST_MATRIX_LEGS  which engines (default: "docker26 docker28 podman"; see engine-ns.sh for the kinds)
#   HOSTLET_TEST_MATRIX_ITS   one IT list for every leg instead of each leg's own (see matrix_its below)
#   HOSTLET_TEST_DEB          on|off: after Maven passes, install the Debian package Maven wrote into a fresh Debian
#                             root and upgrade, remove and purge it (scripts/deb-test.sh; about 50 s, plus about
#                             5 min once to make the root, cached in /var/cache/hostlet); default: on as root
#   HOSTLET_TEST_CONTAINER    on|off: then build deploy/Dockerfile on that Debian root (no registry) and run an
#                             example with the image (scripts/image-test.sh; about 25 s); default: on as root
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MVN="${HOSTLET_TEST_MVN:-mvn}"
ENGINE_WAIT="${HOSTLET_TEST_ENGINE_WAIT:-60}"
DEFAULT_SOCK=/var/run/docker.sock

log() { echo "[test.sh] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "cannot install $* (no apt-get); install it by hand"
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Does the engine at $1 (a DOCKER_HOST value) answer?
engine_answers() {
  DOCKER_HOST="$1" timeout 15 docker version >/dev/null 2>&1
}

pkg_installed() {
  command -v dpkg-query >/dev/null &&
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

# ---------------------------------------------------------------- prerequisites
# The docker CLI (the engine itself only if this script has to start one; see start_dockerd).
command -v docker >/dev/null || apt_install docker.io
# The test image is built around the static busybox (the plain `busybox` package is dynamic).
if command -v dpkg-query >/dev/null; then
  pkg_installed busybox-static || apt_install busybox-static
else
  [[ -x /bin/busybox ]] || die "/bin/busybox (static) is missing"
fi
# ImagesIT runs its own loopback registries (open and htpasswd) with Debian's docker-registry; the
# package's own service is not used (the IT starts and stops its registries by PID on free ports).
if command -v dpkg-query >/dev/null; then
  pkg_installed docker-registry || apt_install docker-registry
fi
# MetricsIT scrapes hostlet with a real Prometheus and MonitoringFilesTest checks the alert rules with promtool
# (both from Debian's prometheus package; the IT starts and stops its own server by PID on a free port).
if command -v dpkg-query >/dev/null; then
  pkg_installed prometheus || apt_install prometheus
fi
# Maven and a JDK 17, when the default Maven command is used and they are missing.
if [[ "$MVN" == mvn ]]; then
  command -v javac >/dev/null || apt_install openjdk-17-jdk-headless
  command -v mvn >/dev/null || apt_install maven
fi

# ---------------------------------------------------------------- engine
DOCKERD_PID=""
MATRIX_ENGINE=""

# shellcheck disable=SC2317  # called from the EXIT trap
stop_matrix_engine() {
  [[ -n "$MATRIX_ENGINE" ]] || return 0
  "$ROOT/scripts/engine-ns.sh" stop "$MATRIX_ENGINE" --purge >/dev/null 2>&1 || true
  MATRIX_ENGINE=""
}
DOCKERD_LOG=""

# shellcheck disable=SC2317  # called from the EXIT trap
stop_dockerd() {
  stop_matrix_engine
  [[ -n "$DOCKERD_PID" ]] || return 0
  if kill -0 "$DOCKERD_PID" 2>/dev/null; then
    log "stopping the dockerd this script started (pid $DOCKERD_PID)"
    kill -TERM "$DOCKERD_PID" 2>/dev/null || true
    # dockerd stops its containers (10s grace each, in parallel) before it exits.
    for _ in $(seq 1 60); do
      kill -0 "$DOCKERD_PID" 2>/dev/null || break
      sleep 1
    done
    if kill -0 "$DOCKERD_PID" 2>/dev/null; then
      log "dockerd (pid $DOCKERD_PID) still running after 60s; sending SIGKILL"
      kill -KILL "$DOCKERD_PID" 2>/dev/null || true
    fi
  fi
  wait "$DOCKERD_PID" 2>/dev/null || true
  DOCKERD_PID=""
}
trap stop_dockerd EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_dockerd() {
  # A dockerd that is alive but not answering yet (still starting) owns /var/run/docker.pid: wait for
  # it rather than start a second one, which would refuse to start anyway.
  local pidfile=/var/run/docker.pid other
  if [[ -s "$pidfile" ]]; then
    other="$(cat "$pidfile" 2>/dev/null || true)"
    if [[ "$other" =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$other/comm" 2>/dev/null || true)" == dockerd ]]; then
      log "a dockerd (pid $other, not ours) is running but not answering yet; waiting for it"
      local deadline=$((SECONDS + ENGINE_WAIT))
      while (( SECONDS < deadline )); do
        engine_answers "unix://$DEFAULT_SOCK" && return 0
        sleep 1
      done
      die "the running dockerd (pid $other) did not answer on $DEFAULT_SOCK within ${ENGINE_WAIT}s"
    fi
  fi

  if ! command -v dockerd >/dev/null; then
    apt_install docker.io
    # On a systemd host the package starts docker.service itself.
    sleep 2
    engine_answers "unix://$DEFAULT_SOCK" && { log "dockerd came up with the docker.io package"; return 0; }
  fi
  DOCKERD_LOG="$(mktemp "${TMPDIR:-/tmp}/hostlet-test-dockerd.XXXXXX")"
  log "no Docker engine answers; starting dockerd (log: $DOCKERD_LOG)"
  # Own session, so that a Ctrl-C aimed at Maven does not also hit dockerd: the EXIT trap stops it.
  # Started directly (not via a shell function, which would run in a subshell) so that $! is
  # dockerd itself: setsid does not fork here, as a background job is no process-group leader.
  if [[ $EUID -eq 0 ]]; then
    setsid dockerd >"$DOCKERD_LOG" 2>&1 </dev/null &
  else
    command -v sudo >/dev/null || die "need root (or sudo) to start dockerd"
    # The log file is ours (not root's) on purpose. sudo relays our SIGTERM to dockerd.
    # shellcheck disable=SC2024
    sudo setsid dockerd >"$DOCKERD_LOG" 2>&1 </dev/null &
  fi
  DOCKERD_PID=$!
  local deadline=$((SECONDS + ENGINE_WAIT)) started=$SECONDS
  while (( SECONDS < deadline )); do
    if engine_answers "unix://$DEFAULT_SOCK"; then
      log "dockerd (pid $DOCKERD_PID) answers after $((SECONDS - started))s"
      return 0
    fi
    if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
      wait "$DOCKERD_PID" 2>/dev/null || true
      DOCKERD_PID=""
      log "dockerd exited during startup; last lines of $DOCKERD_LOG:"
      tail -n 40 "$DOCKERD_LOG" >&2 || true
      exit 1
    fi
    sleep 1
  done
  log "dockerd did not answer within ${ENGINE_WAIT}s; last lines of $DOCKERD_LOG:"
  tail -n 40 "$DOCKERD_LOG" >&2 || true
  exit 1
}

if [[ -n "${DOCKER_HOST:-}" ]] && engine_answers "$DOCKER_HOST"; then
  log "using the engine at DOCKER_HOST=$DOCKER_HOST"
else
  [[ -n "${DOCKER_HOST:-}" ]] && log "DOCKER_HOST=$DOCKER_HOST does not answer; trying $DEFAULT_SOCK"
  if ! engine_answers "unix://$DEFAULT_SOCK"; then
    start_dockerd
  else
    log "using the engine at unix://$DEFAULT_SOCK"
  fi
  export DOCKER_HOST="unix://$DEFAULT_SOCK"
fi
export DOCKER_HOST
unset DOCKER_CONTEXT
log "engine: $(docker version --format 'Docker {{.Server.Version}} ({{.Server.Os}}/{{.Server.Arch}})' 2>/dev/null || echo '?')"

# ---------------------------------------------------------------- test image
export HOSTLET_TEST_IMAGE=hostlet-test/busybox:1
"$ROOT/scripts/build-test-image.sh" "$HOSTLET_TEST_IMAGE"

# ---------------------------------------------------------------- tests
if [[ -z "${HOSTLET_TEST_SWARM:-}" ]]; then
  if [[ $EUID -eq 0 ]]; then HOSTLET_TEST_SWARM=on; else HOSTLET_TEST_SWARM=off; fi
fi
export HOSTLET_TEST_SWARM
log "running: $MVN -B verify $*"
set +e
"$MVN" -B verify "$@"
rc=$?
set -e
if [[ $rc -eq 0 ]]; then log "tests passed"; else log "Maven exited with $rc"; fi
# ---------------------------------------------------------------- the engine matrix
# The whole suite runs on the engine above (Debian bookworm's 20.10 in CI, the floor); the tests whose outcome depends
# on the engine (list fields, health, events, errors, renames, volumes, networks, restarts, pulls) run again on:
#   docker26  trixie's Docker 26.1 (API 1.45);
#   docker28  sid's Docker 28.5 with the containerd image store and Docker 29's API floor 1.44;
#   podman    bookworm's Podman 4.3 through its Docker-compatible socket.
# Left out everywhere: tests that need the host to reach a published port (a private engine lives in its own
# network namespace), and those about the CLI, page and metrics, which do not depend on the engine. Pulls run against
# registries inside the engine's namespace (LocalRegistry, with HOSTLET_TEST_ENGINE): ImagesIT and ImageKindIT.
# EngineRebootIT runs on Podman only: dockerd restarts its own `always` containers after a boot, and engine-ns.sh's
# reboot of a dockerd does not come back here yet (dockerd refuses to start: its pid file names a PID that runs).
MATRIX_ITS_DOCKER='ContainerApiIT,EventsIT,CrashLoopIT,HostletRestartIT,HealthAndOrderIT,NetworkIT,OwnershipIT,SafeReplaceIT,SecretFilesIT,SelfHealingIT,StartFirstCrashIT,UpdateFromGitIT,UpdateRollbackIT,VolumesIT'
# Podman: see MATRIX_ITS_PODMAN_WHY below for what is left out and why.
MATRIX_ITS_PODMAN='ContainerApiIT,NetworkIT,OwnershipIT,SecretFilesIT,SelfHealingIT,StartFirstCrashIT,UpdateFromGitIT,EngineRebootIT'
# shellcheck disable=SC2034  # documentation kept beside the list it explains
MATRIX_ITS_PODMAN_WHY='Left out on Podman 4.3 (measured: these failed there), each for a difference found and not handled yet:
HealthAndOrderIT, UpdateRollbackIT: podman runs health checks from systemd timers, which this machine has not;
CrashLoopIT and EventsIT (crash loop): podman restarts an `always` container at once, without the growing delay
dockerd keeps (221 restarts in a minute), so CrashLoopBackOff is never reported;
SafeReplaceIT (image tag typo): podman tries docker.io for a short name that is not local, and without a network
here that pull outlasts the test;
ImagesIT, VolumesIT, HostletRestartIT: the tests own engine helpers trip on podman (removing an image by its bare
id is HTTP 500 "invalid repository name", a committed image is not found under the id docker-java returns, exec
events of the marker are not listed); the adapter side of pulls is pinned by EngineDialectsTest.'
matrix_its() {
  if [[ -n "${HOSTLET_TEST_MATRIX_ITS:-}" ]]; then echo "$HOSTLET_TEST_MATRIX_ITS"; return; fi
  case "$1" in
    podman*) echo "$MATRIX_ITS_PODMAN" ;;
    docker28) echo "$MATRIX_ITS_DOCKER,ImagesIT,ImageKindIT" ;;  # the containerd image store: pulls, digests, GC
    *) echo "$MATRIX_ITS_DOCKER" ;;
  esac
}
MATRIX="${HOSTLET_TEST_MATRIX:-}"
if [[ -z "$MATRIX" ]]; then
  if [[ $EUID -eq 0 ]]; then MATRIX=on; else MATRIX=off; fi
fi
MATRIX_TIMES=()
if [[ $rc -eq 0 && "$MATRIX" == on ]]; then
  for leg in ${HOSTLET_TEST_MATRIX_LEGS:-docker26 docker28 podman}; do
    MATRIX_ENGINE="hlm$(( $$ % 100000 ))${leg:0:1}${leg: -2}"  # engine-ns.sh names: at most 15 characters
    started=$SECONDS
    log "matrix leg $leg: scripts/engine-ns.sh start $MATRIX_ENGINE $leg"
    matrix_host="$("$ROOT/scripts/engine-ns.sh" start "$MATRIX_ENGINE" "$leg" | sed -n 's/^DOCKER_HOST=//p')"
    "$ROOT/scripts/engine-ns.sh" load "$MATRIX_ENGINE" "$HOSTLET_TEST_IMAGE" >/dev/null
    its="$(matrix_its "$leg")"
    log "running ($leg): $MVN -B failsafe:integration-test failsafe:verify -Dit.test=$its"
    set +e
    # HOSTLET_TEST_ENGINE names the engine for the tests that need its namespace (a registry inside it, a reboot).
    DOCKER_HOST="$matrix_host" HOSTLET_TEST_ENGINE="$MATRIX_ENGINE" "$MVN" -B failsafe:integration-test failsafe:verify \
      -Dit.test="$its"
    rc=$?
    set -e
    stop_matrix_engine
    MATRIX_TIMES+=("$leg $((SECONDS - started))s rc=$rc")
    if [[ $rc -eq 0 ]]; then log "matrix leg $leg: tests passed in $((SECONDS - started))s"; else log "matrix leg $leg: Maven exited with $rc"; break; fi
  done
  log "matrix legs: ${MATRIX_TIMES[*]}"
fi
DEB="${HOSTLET_TEST_DEB:-}"
if [[ -z "$DEB" ]]; then
  if [[ $EUID -eq 0 ]]; then DEB=on; else DEB=off; fi
fi
if [[ $rc -eq 0 && "$DEB" == on ]]; then
  log "running the package test: scripts/deb-test.sh"
  set +e
  "$ROOT/scripts/deb-test.sh"
  rc=$?
  set -e
  if [[ $rc -eq 0 ]]; then log "package test: passed"; else log "package test exited with $rc"; fi
fi
CONTAINER="${HOSTLET_TEST_CONTAINER:-}"
if [[ -z "$CONTAINER" ]]; then
  if [[ $EUID -eq 0 ]]; then CONTAINER=on; else CONTAINER=off; fi
fi
if [[ $rc -eq 0 && "$CONTAINER" == on ]]; then
  log "running the image test: scripts/image-test.sh"
  set +e
  "$ROOT/scripts/image-test.sh"
  rc=$?
  set -e
  if [[ $rc -eq 0 ]]; then log "image test: passed"; else log "image test exited with $rc"; fi
fi
FAULTS="${HOSTLET_TEST_FAULTS:-quick}"
if [[ $rc -eq 0 && "$FAULTS" != off ]]; then
  mode=(); [[ "$FAULTS" == quick ]] && mode=(--quick)
  log "running the fault suite: faults/run.sh ${mode[*]}"
  set +e
  "$ROOT/faults/run.sh" "${mode[@]}"
  rc=$?
  set -e
  if [[ $rc -eq 0 ]]; then log "fault suite: no losses"; else log "fault suite exited with $rc"; fi
fi
exit "$rc"
