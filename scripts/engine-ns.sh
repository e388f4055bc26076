#!/usr/bin/env bash
# A private Docker engine (Debian trixie's docker.io 26.1, API 1.45) in a network namespace of its own.
#
#   scripts/engine-ns.sh start NAME     start it (idempotent); prints DOCKER_HOST=unix:///... on stdout
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

[[ $EUID -eq 0 ]] || die "must run as root (network namespaces, dockerd)"
cmd="${1:-}"; name="${2:-}"
[[ -n "$cmd" && -n "$name" ]] || { sed -n '2,12p' "$0" >&2; exit 2; }
[[ "$name" =~ ^[a-z0-9][a-z0-9-]{0,14}$ ]] || die "NAME must be a short lower-case word (netns and bridge names derive from it)"

DIR="$ROOTS/$name"; RUN="$RUNS/$name"
DATA="$DIR/data"; EXEC="$RUN/exec"; SOCK="$RUN/docker.sock"
CTRD_SOCK="$RUN/containerd.sock"
DOCKERD_PID="$DIR/dockerd.pid"; CTRD_PID="$DIR/containerd.pid"
NETNS="/var/run/netns/$name"
HOST="unix://$SOCK"

# ---------------------------------------------------------------- binaries
ensure_binaries() {
  if [[ -n "${HOSTLET_ENGINE_BIN:-}" ]]; then BIN="$HOSTLET_ENGINE_BIN"; return; fi
  BIN="$CACHE/bin"
  if [[ -x "$BIN/dockerd" && -x "$BIN/containerd" && -x "$BIN/containerd-shim-runc-v2" && -x "$BIN/docker-proxy" ]]; then
    return
  fi
  log "fetching trixie's docker.io and containerd .debs into $CACHE (once)"
  mkdir -p "$CACHE/apt/lists/partial" "$CACHE/apt/archives/partial" "$CACHE/apt/etc" "$CACHE/debs" "$CACHE/x" "$BIN"
  echo 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main' \
    >"$CACHE/apt/etc/sources.list"
  local opts=(-o "Dir::Etc::sourcelist=$CACHE/apt/etc/sources.list" -o Dir::Etc::sourceparts=/nonexistent
    -o "Dir::State::Lists=$CACHE/apt/lists" -o "Dir::Cache=$CACHE/apt" -o "Dir::Cache::archives=$CACHE/apt/archives"
    -o Dir::State::status=/var/lib/dpkg/status -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" update -qq
  (cd "$CACHE/debs" && apt-get "${opts[@]}" download docker.io containerd >/dev/null)
  for deb in "$CACHE"/debs/docker.io_*.deb "$CACHE"/debs/containerd_*.deb; do dpkg-deb -x "$deb" "$CACHE/x"; done
  cp "$CACHE/x/usr/sbin/dockerd" "$CACHE/x/usr/sbin/docker-proxy" "$BIN/"
  cp "$CACHE/x/usr/bin/containerd" "$CACHE/x/usr/bin/containerd-shim-runc-v2" "$BIN/"
  rm -rf "$CACHE/x"
  "$BIN/dockerd" --version >&2 || die "trixie's dockerd does not run here; set HOSTLET_ENGINE_BIN=/usr/sbin to use bookworm's"
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

answers() { DOCKER_HOST="$HOST" timeout 10 docker version >/dev/null 2>&1; }

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
  # Its own (empty) daemon.json, so the host's /etc/docker/daemon.json does not apply.
  echo '{}' >"$DIR/daemon.json"
  rm -f "$SOCK"
  nsenter --net="$NETNS" env PATH="$BIN:$PATH" setsid "$BIN/dockerd" \
    --config-file "$DIR/daemon.json" \
    --data-root "$DATA/docker" --exec-root "$EXEC/docker" --pidfile "$DOCKERD_PID.engine" \
    --containerd "$CTRD_SOCK" --containerd-namespace "hostlet-$name" --containerd-plugins-namespace "hostlet-$name-plugins" \
    --cgroup-parent "/hostlet-engine-$name" \
    -H "unix://$SOCK" --userland-proxy-path "$BIN/docker-proxy" \
    >>"$DIR/dockerd.log" 2>&1 </dev/null &
  echo $! >"$DOCKERD_PID"
  wait_answers || { tail -n 40 "$DIR/dockerd.log" >&2; die "dockerd did not answer on $SOCK within ${WAIT}s"; }
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
case "$cmd" in
  start)
    ensure_binaries
    mkdir -p "$DIR" "$RUN"
    ensure_netns
    start_containerd
    start_dockerd
    log "engine $name answers at $HOST ($(DOCKER_HOST="$HOST" docker version --format 'Docker {{.Server.Version}}, API {{.Server.APIVersion}}'))"
    echo "DOCKER_HOST=$HOST"
    ;;
  kill)
    pid="$(our_pid "$DOCKERD_PID" dockerd)" || die "engine $name's dockerd is not running"
    kill -KILL "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    rm -f "$DOCKERD_PID"
    log "SIGKILLed dockerd (pid $pid)"
    ;;
  stop)
    # dockerd stops its containers (their own grace) before it exits; then containerd.
    stop_pid "$DOCKERD_PID" dockerd 60
    stop_pid "$CTRD_PID" containerd 20
    # Processes still in the namespace can only be container processes or shims of this engine's containerd.
    if [[ -e "$NETNS" ]]; then
      for pid in $(ip netns pids "$name" 2>/dev/null); do
        log "killing leftover pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) in netns $name"
        kill -KILL "$pid" 2>/dev/null || true
      done
      ip netns delete "$name" 2>/dev/null || true
    fi
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
    if our_pid "$DOCKERD_PID" dockerd >/dev/null && answers; then echo "running DOCKER_HOST=$HOST"; else echo "stopped DOCKER_HOST=$HOST"; fi
    ;;
  host)
    echo "$HOST"
    ;;
  load)
    img="${3:?image}"
    if DOCKER_HOST="$HOST" docker image inspect "$img" >/dev/null 2>&1; then exit 0; fi
    docker -H "${HOSTLET_MAIN_DOCKER_HOST:-unix:///var/run/docker.sock}" save "$img" | DOCKER_HOST="$HOST" docker load -q >&2
    ;;
  *) die "unknown command $cmd (start|stop|kill|status|host|load)" ;;
esac
