#!/usr/bin/env bash
# A private container engine in a network namespace of its own, serving the Docker API on a unix socket:
#   docker26  Debian trixie's docker.io 26.1 (API 1.45), the classic image store (the default);
#   docker28  Debian sid's docker.io 28.5 (API 1.51) and containerd 2.1, with the containerd image store on
#             (daemon.json {"features":{"containerd-snapshotter":true}}, the default of fresh Docker 29 installs)
#             and DOCKER_MIN_API_VERSION=1.44 (Docker 29's floor: older clients are refused);
#   podman    the host's podman (bookworm's 4.3, apt-get install podman) as `podman system service --time=0`;
#   podman5   trixie's podman 5.4 from its .debs: it needs glibc 2.38 and libsubid5, so it does not run on
#             bookworm (2.36); kept for a trixie host.
#
#   scripts/engine-ns.sh start NAME [KIND]   start it (idempotent; KIND as above, default docker26 or the kind NAME
#                                       was started with before); prints DOCKER_HOST=unix:///... on stdout
#   scripts/engine-ns.sh reboot NAME    what a power cut and a boot do to it: SIGKILL the engine and every container
#                                       process, wipe its run directories (a tmpfs at boot), start it again on its data
#   scripts/engine-ns.sh kind NAME      prints the kind NAME was started as
#   scripts/engine-ns.sh stop NAME      stop it (only the PIDs it started), remove the netns (--purge: data too)
#   scripts/engine-ns.sh kill NAME      SIGKILL its dockerd only (containerd and containers live on, as in a
#                                       real dockerd crash); `start NAME` brings it back on the same data-root
#   scripts/engine-ns.sh status NAME    prints running|stopped and the DOCKER_HOST
#   scripts/engine-ns.sh host NAME      prints the DOCKER_HOST value only
#   scripts/engine-ns.sh load NAME IMG  copies an image from the default engine into it (docker save | load)
#
# Why a network namespace: a second dockerd in the host's namespace deleted the main engine's docker0 when it
# was restarted on its old data-root, and its containers could not reach each other (FORWARD policy DROP). In
# its own namespace (`ip netns add`, then `nsenter --net=...`, not `ip netns exec`, which remounts /sys and
# hides the cgroups) it has its own docker0 and iptables; its unix socket is reachable from the host, its
# published ports only from inside (`nsenter --net=/var/run/netns/NAME ...`).
#
# Why its own containerd, started here: dockerd uses /run/containerd/containerd.sock when that socket exists,
# which would share the host's containerd (and its "moby" namespace) with the main engine.
#
# Binaries: dockerd, docker-proxy, containerd and its shim come from trixie's .debs (fetched once with
# `apt-get download` and a private apt configuration whose only source is trixie; the system's sources are not
# touched), unpacked into $HOSTLET_ENGINE_CACHE; runc is the host's (bookworm's). Never `--bridge none`.
#
# Knobs: HOSTLET_ENGINE_CACHE (default /var/cache/hostlet-engine): the .debs and the unpacked binaries;
#        HOSTLET_ENGINE_ROOT  (default /var/lib/hostlet-engine): NAME/data (data-root), NAME/*.log, NAME/*.pid;
#        HOSTLET_ENGINE_RUN   (default /run/hostlet-engine): NAME/exec (exec-root), NAME/docker.sock;
#        HOSTLET_ENGINE_BIN   a directory holding dockerd etc. to use instead (e.g. /usr/sbin for bookworm's).
set -euo pipefail

CACHE="${HOSTLET_ENGINE_CACHE:-/var/cache/hostlet-engine}"
ROOTS="${HOSTLET_ENGINE_ROOT:-/var/lib/hostlet-engine}"
RUNS="${HOSTLET_ENGINE_RUN:-/run/hostlet-engine}"
WAIT="${HOSTLET_ENGINE_WAIT:-60}"

log() { echo "[engine-ns] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $EUID -eq 0 ]] || die "must run as root (network namespaces, the engine)"
cmd="${1:-}"; name="${2:-}"
[[ -n "$cmd" && -n "$name" ]] || { sed -n '2,26p' "$0" >&2; exit 2; }
[[ "$name" =~ ^[a-z0-9][a-z0-9-]{0,14}$ ]] || die "NAME must be a short lower-case word (netns and bridge names derive from it)"

DIR="$ROOTS/$name"; RUN="$RUNS/$name"
DATA="$DIR/data"; EXEC="$RUN/exec"; SOCK="$RUN/docker.sock"
CTRD_SOCK="$RUN/containerd.sock"
DOCKERD_PID="$DIR/dockerd.pid"; CTRD_PID="$DIR/containerd.pid"
NETNS="/var/run/netns/$name"
HOST="unix://$SOCK"

# ---------------------------------------------------------------- kind
KIND_FILE="$DIR/kind"
if [[ "$cmd" == start && -n "${3:-}" ]]; then
  KIND="$3"
  if [[ -s "$KIND_FILE" && "$(cat "$KIND_FILE")" != "$KIND" ]]; then
    die "engine $name was started as $(cat "$KIND_FILE") before; stop it with --purge to start it as $KIND"
  fi
elif [[ -s "$KIND_FILE" ]]; then
  KIND="$(cat "$KIND_FILE")"
else
  KIND="${HOSTLET_ENGINE_KIND:-docker26}"
fi
case "$KIND" in
  docker26|docker28|podman|podman5) ;;
  *) die "unknown engine kind $KIND (docker26|docker28|podman|podman5)" ;;
esac
is_podman() { [[ "$KIND" == podman* ]]; }
# The process the engine runs as (for our_pid) and the pidfile that names it.
if is_podman; then ENGINE_COMM=podman; else ENGINE_COMM=dockerd; fi

# ---------------------------------------------------------------- binaries
# Debian's .debs of one release, fetched once with `apt-get download` and a private apt configuration whose only
# source is that release (the system's sources are not touched), unpacked into $CACHE/x-RELEASE.
fetch_debs() {
  local release="$1"; shift
  local apt="$CACHE/apt-$release"
  mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc" "$CACHE/debs-$release"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $release main" \
    >"$apt/etc/sources.list"
  local opts=(-o "Dir::Etc::sourcelist=$apt/etc/sources.list" -o Dir::Etc::sourceparts=/nonexistent
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt" -o "Dir::Cache::archives=$apt/archives"
    -o Dir::State::status=/var/lib/dpkg/status -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" update -qq
  (cd "$CACHE/debs-$release" && apt-get "${opts[@]}" download "$@" >/dev/null)
  rm -rf "$CACHE/x-$release"; mkdir -p "$CACHE/x-$release"
  local pkg deb
  for pkg in "$@"; do
    for deb in "$CACHE/debs-$release/${pkg}"_*.deb; do dpkg-deb -x "$deb" "$CACHE/x-$release"; done
  done
}

ensure_docker_binaries() {
  if [[ -n "${HOSTLET_ENGINE_BIN:-}" ]]; then BIN="$HOSTLET_ENGINE_BIN"; return; fi
  local release=trixie
  BIN="$CACHE/bin"
  if [[ "$KIND" == docker28 ]]; then release=sid; BIN="$CACHE/bin-sid"; fi
  if [[ -x "$BIN/dockerd" && -x "$BIN/containerd" && -x "$BIN/containerd-shim-runc-v2" && -x "$BIN/docker-proxy" ]]; then
    return
  fi
  log "fetching $release's docker.io and containerd .debs into $CACHE (once)"
  fetch_debs "$release" docker.io containerd
  mkdir -p "$BIN"
  cp "$CACHE/x-$release/usr/sbin/dockerd" "$CACHE/x-$release/usr/sbin/docker-proxy" "$BIN/"
  cp "$CACHE/x-$release/usr/bin/containerd" "$CACHE/x-$release/usr/bin/containerd-shim-runc-v2" "$BIN/"
  rm -rf "$CACHE/x-$release"
  "$BIN/dockerd" --version >&2 || die "$release's dockerd does not run here; set HOSTLET_ENGINE_BIN=/usr/sbin to use bookworm's"
}

ensure_podman_binaries() {
  if [[ "$KIND" == podman ]]; then
    PODMAN="$(command -v podman || true)"
    if [[ -z "$PODMAN" ]]; then
      log "apt-get install podman (the host's release: bookworm's 4.3)"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman >/dev/null
      PODMAN="$(command -v podman)"
    fi
    PODMAN_ENV=()
    return
  fi
  # podman5: trixie's podman with its own conmon, netavark and aardvark-dns (bookworm's 1.4 netavark speaks an
  # older protocol); the host's runc. Everything lives in $CACHE/podman5 and is found through containers.conf.
  local x="$CACHE/podman5"
  PODMAN="$x/usr/bin/podman"
  if [[ ! -x "$PODMAN" ]]; then
    log "fetching trixie's podman, conmon, netavark and aardvark-dns .debs into $CACHE (once)"
    fetch_debs trixie podman conmon netavark aardvark-dns
    rm -rf "$x"; mv "$CACHE/x-trixie" "$x"
  fi
  PODMAN_ENV=()
  "$PODMAN" --version >&2 || die "trixie's podman does not run here (see the error above)"
}

# ---------------------------------------------------------------- processes
# A PID from our pidfile, only if that process is still the one we started (comm and our path in its argv).
our_pid() {
  local file="$1" comm="$2" pid
  [[ -s "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$comm" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DIR" || return 1
  echo "$pid"
}

# The engine's API through curl, not the docker CLI: the host's CLI (20.10, API 1.41) is refused by an engine with
# Docker 29's floor (1.44), and an unversioned path is served at the engine's own version by every kind.
api() { curl -sf --max-time "${API_TIMEOUT:-10}" --unix-socket "$SOCK" "http://engine$1" "${@:2}"; }
answers() { [[ "$(api /_ping 2>/dev/null)" == OK ]]; }

# The engine process: dockerd, or podman serving the API.
engine_pid() { our_pid "$DOCKERD_PID" "$ENGINE_COMM"; }

ensure_netns() {
  if [[ ! -e "$NETNS" ]]; then
    ip netns add "$name"
  fi
  nsenter --net="$NETNS" ip link set lo up
}

start_containerd() {
  our_pid "$CTRD_PID" containerd >/dev/null && return 0
  mkdir -p "$DATA/containerd" "$EXEC/containerd"
  cat >"$DIR/containerd.toml" <<EOF
version = 2
root = "$DATA/containerd"
state = "$EXEC/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CTRD_SOCK"
[ttrpc]
  address = "$CTRD_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
  rm -f "$CTRD_SOCK" "$CTRD_SOCK.ttrpc"
  # setsid: a Ctrl-C aimed at the caller does not reach the engine; stop/kill address it by PID.
  nsenter --net="$NETNS" env PATH="$BIN:$PATH" setsid "$BIN/containerd" --config "$DIR/containerd.toml" \
    >>"$DIR/containerd.log" 2>&1 </dev/null &
  echo $! >"$CTRD_PID"
  for _ in $(seq 1 $((WAIT * 5))); do
    [[ -S "$CTRD_SOCK" ]] && return 0
    # kill -0, not our_pid: until nsenter, env and setsid have exec'd, the process is not named containerd yet.
    kill -0 "$(cat "$CTRD_PID")" 2>/dev/null || { tail -n 30 "$DIR/containerd.log" >&2; die "containerd exited"; }
    sleep 0.2
  done
  die "containerd did not open $CTRD_SOCK within ${WAIT}s"
}

start_dockerd() {
  if our_pid "$DOCKERD_PID" dockerd >/dev/null; then
    wait_answers && return 0
  fi
  mkdir -p "$DATA/docker" "$EXEC/docker"
  # Its own daemon.json, so the host's /etc/docker/daemon.json does not apply.
  local envs=(PATH="$BIN:$PATH")
  if [[ "$KIND" == docker28 ]]; then
    # What a fresh Docker 29 install does: the containerd image store, and no client below API 1.44.
    echo '{"features": {"containerd-snapshotter": true}}' >"$DIR/daemon.json"
    envs+=(DOCKER_MIN_API_VERSION=1.44)
  else
    echo '{}' >"$DIR/daemon.json"
  fi
  rm -f "$SOCK"
  nsenter --net="$NETNS" env "${envs[@]}" setsid "$BIN/dockerd" \
    --config-file "$DIR/daemon.json" \
    --data-root "$DATA/docker" --exec-root "$EXEC/docker" --pidfile "$DOCKERD_PID.engine" \
    --containerd "$CTRD_SOCK" --containerd-namespace "hostlet-$name" --containerd-plugins-namespace "hostlet-$name-plugins" \
    --cgroup-parent "/hostlet-engine-$name" \
    -H "unix://$SOCK" --userland-proxy-path "$BIN/docker-proxy" \
    >>"$DIR/dockerd.log" 2>&1 </dev/null &
  echo $! >"$DOCKERD_PID"
  wait_answers || { tail -n 40 "$DIR/dockerd.log" >&2; die "dockerd did not answer on $SOCK within ${WAIT}s"; }
}

# Podman serving the Docker API on $SOCK. Its configuration is private (CONTAINERS_CONF, --root, --runroot), so
# nothing of the host's podman, if any, is shared. Two settings this machine needs (a sandbox, not a boot):
#   default_ulimits: podman gives every container RLIMIT_NOFILE/NPROC of 1048576 by default, which the sandbox's
#                    hard limits refuse ("setrlimit ... operation not permitted"); 4096 is below them;
#   runtime runc:    podman's default is crun, which is not installed here; runc (the host's) is what Docker uses.
# cgroupfs and a file for events: there is no systemd (or journald) here.
start_podman() {
  if our_pid "$DOCKERD_PID" podman >/dev/null; then
    wait_answers && return 0
  fi
  mkdir -p "$DATA/storage" "$DATA/volumes" "$DATA/libpod" "$DIR/networks" "$EXEC/storage" "$EXEC/tmp"
  local helpers=""
  if [[ "$KIND" == podman5 ]]; then
    helpers="conmon_path = [\"$CACHE/podman5/usr/bin/conmon\"]
helper_binaries_dir = [\"$CACHE/podman5/usr/lib/podman\"]"
  fi
  cat >"$DIR/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$EXEC/events.log"
tmp_dir = "$EXEC/tmp"
volume_path = "$DATA/volumes"
static_dir = "$DATA/libpod"
$helpers

[network]
network_config_dir = "$DIR/networks"
CONF
  # Docker treats registries on 127.0.0.0/8 as plain http; podman only those it is told of. The tests' registries
  # inside this namespace listen on 5000-5019 (see LocalRegistry).
  {
    echo 'unqualified-search-registries = ["docker.io"]'
    for port in $(seq 5000 5019); do printf '[[registry]]\nlocation = "127.0.0.1:%s"\ninsecure = true\n' "$port"; done
  } >"$DIR/registries.conf"
  rm -f "$SOCK"
  nsenter --net="$NETNS" env CONTAINERS_CONF="$DIR/containers.conf" CONTAINERS_REGISTRIES_CONF="$DIR/registries.conf" \
    setsid "$PODMAN" \
    --root "$DATA/storage" --runroot "$EXEC/storage" --storage-driver overlay \
    system service --time=0 "unix://$SOCK" \
    >>"$DIR/podman.log" 2>&1 </dev/null &
  echo $! >"$DOCKERD_PID"
  wait_answers || { tail -n 40 "$DIR/podman.log" >&2; die "podman did not answer on $SOCK within ${WAIT}s"; }
}

# The engine's running containers' processes and the network namespaces podman made for them (it puts them under
# /run/netns): what a reboot or a stop must not leave behind. One per line: "PID NETNS-PATH ID".
container_leftovers() {
  local id
  for id in $(api /containers/json 2>/dev/null | jq -r '.[].Id' 2>/dev/null); do
    api "/containers/$id/json" 2>/dev/null | jq -r '"\(.State.Pid) \(.NetworkSettings.SandboxKey // "-") \(.Id)"' 2>/dev/null || true
  done
}

kill_leftovers() {
  local pid key id
  while read -r pid key id; do
    if [[ "$pid" =~ ^[1-9][0-9]*$ ]]; then log "killing container process $pid"; kill -KILL "$pid" 2>/dev/null || true; fi
    if [[ "$key" == /run/netns/netns-* || "$key" == /var/run/netns/netns-* ]]; then
      umount "$key" 2>/dev/null || true; rm -f "$key"
    fi
    # podman's runc keeps its state in the host's /run/runc (a tmpfs at boot): this engine's containers' entries go.
    if is_podman && [[ "$id" =~ ^[0-9a-f]{64}$ && -d "/run/runc/$id" ]]; then rm -rf "/run/runc/$id"; fi
  done
}

wait_answers() {
  for _ in $(seq 1 $((WAIT * 4))); do
    answers && return 0
    kill -0 "$(cat "$DOCKERD_PID" 2>/dev/null)" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}

# SIGTERM, wait, then SIGKILL: only the PID in our pidfile, and only if it is still ours.
stop_pid() {
  local file="$1" comm="$2" secs="$3" pid
  pid="$(our_pid "$file" "$comm")" || { rm -f "$file"; return 0; }
  log "stopping $comm (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((secs * 4))); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$file"; return 0; }
    sleep 0.25
  done
  log "$comm (pid $pid) still running after ${secs}s; SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$file"
}

# Container processes this engine's dockerd lost track of (e.g. started just before a SIGKILL) outlive it; they
# are exactly the processes in its own cgroup parent, so only they are killed, by PID.
kill_cgroup_leftovers() {
  local d pid
  for pid in $(cat /sys/fs/cgroup/*/"hostlet-engine-$name"/cgroup.procs /sys/fs/cgroup/*/"hostlet-engine-$name"/*/cgroup.procs \
      /sys/fs/cgroup/"hostlet-engine-$name"/cgroup.procs /sys/fs/cgroup/"hostlet-engine-$name"/*/cgroup.procs 2>/dev/null | sort -u); do
    log "killing leftover container process $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) in cgroup hostlet-engine-$name"
    kill -KILL "$pid" 2>/dev/null || true
  done
  sleep 0.2
  for d in /sys/fs/cgroup/*/"hostlet-engine-$name" /sys/fs/cgroup/"hostlet-engine-$name"; do
    [[ -d "$d" ]] || continue
    find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true
    rmdir "$d" 2>/dev/null || true
  done
}

umount_under() {
  local m
  # Deepest first; these are the engine's own overlay and shm mounts under its data- and exec-roots.
  { grep -oE " ($DATA|$EXEC)[^ ]*" /proc/self/mountinfo 2>/dev/null || true; } | sed 's/^ //' | sort -r -u | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
}

# ---------------------------------------------------------------- commands
version_line() {
  api /version | jq -r '"\((.Components // [] | map(select(.Name == "Podman Engine")) | if length > 0 then "Podman " + .[0].Version else "Docker" end)) (version \(.Version), API \(.ApiVersion), min \(.MinAPIVersion))"'
}

start_engine() {
  mkdir -p "$DIR" "$RUN"
  echo "$KIND" >"$KIND_FILE"
  ensure_netns
  if is_podman; then
    ensure_podman_binaries
    start_podman
  else
    ensure_docker_binaries
    start_containerd
    start_dockerd
  fi
  log "engine $name ($KIND) answers at $HOST: $(version_line)"
}

# Everything of the engine goes, the hard way, and its run directories with it (/run is a tmpfs at boot).
power_off() {
  local leftovers
  leftovers="$(container_leftovers)"
  local pid
  if pid="$(engine_pid)"; then kill -KILL "$pid" 2>/dev/null || true; fi
  if pid="$(our_pid "$CTRD_PID" containerd)"; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$DOCKERD_PID" "$CTRD_PID"
  kill_leftovers <<<"$leftovers"
  remove_netns
  kill_cgroup_leftovers
  umount_under
  rm -rf "$RUN"
}

remove_netns() {
  local pid
  if [[ -e "$NETNS" ]]; then
    # Processes still in the namespace can only be the engine's own (shims, conmon, containers on its bridge).
    for pid in $(ip netns pids "$name" 2>/dev/null); do
      log "killing leftover pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) in netns $name"
      kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns delete "$name" 2>/dev/null || true
  fi
}

case "$cmd" in
  start)
    start_engine
    echo "DOCKER_HOST=$HOST"
    ;;
  reboot)
    power_off
    log "engine $name powered off (SIGKILL, run directories wiped); booting"
    start_engine
    echo "DOCKER_HOST=$HOST"
    ;;
  kill)
    pid="$(engine_pid)" || die "engine $name's $ENGINE_COMM is not running"
    kill -KILL "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    rm -f "$DOCKERD_PID"
    log "SIGKILLed $ENGINE_COMM (pid $pid)"
    ;;
  stop)
    leftovers=""
    if is_podman; then
      # podman's service leaves its containers running when it exits (conmon holds them): stop them first.
      leftovers="$(container_leftovers)"
      for id in $(api /containers/json 2>/dev/null | jq -r '.[].Id' 2>/dev/null); do
        API_TIMEOUT=30 api "/containers/$id/stop?t=5" -X POST >/dev/null 2>&1 || true
      done
      stop_pid "$DOCKERD_PID" podman 20
    else
      # dockerd stops its containers (their own grace) before it exits; then containerd.
      stop_pid "$DOCKERD_PID" dockerd 60
      stop_pid "$CTRD_PID" containerd 20
    fi
    kill_leftovers <<<"$leftovers"
    remove_netns
    kill_cgroup_leftovers
    umount_under
    rm -rf "$RUN"
    if [[ "${3:-}" == --purge ]]; then
      rm -rf "$DIR"
      log "engine $name stopped; data removed"
    else
      log "engine $name stopped; data kept in $DIR"
    fi
    ;;
  status)
    if engine_pid >/dev/null && answers; then echo "running DOCKER_HOST=$HOST"; else echo "stopped DOCKER_HOST=$HOST"; fi
    ;;
  host)
    echo "$HOST"
    ;;
  kind)
    echo "$KIND"
    ;;
  load)
    # docker save from the default engine, POST /images/load into this one. Podman names an image loaded without a
    # registry localhost/IMG, and finds it under IMG too (its short-name lookup tries localhost/ first).
    img="${3:?image}"
    if api "/images/$img/json" >/dev/null 2>&1; then exit 0; fi
    docker -H "${HOSTLET_MAIN_DOCKER_HOST:-unix:///var/run/docker.sock}" save "$img" \
      | API_TIMEOUT=300 api "/images/load?quiet=1" -X POST -H 'Content-Type: application/x-tar' --data-binary @- >/dev/null
    api "/images/$img/json" >/dev/null || die "$img did not arrive in engine $name"
    ;;
  *) die "unknown command $cmd (start|reboot|stop|kill|status|host|kind|load)" ;;
esac
