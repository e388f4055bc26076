#!/usr/bin/env bash
# The Debian package, installed for real: a fresh Debian root (scripts/debian-root.sh: mmdebstrap, bookworm minbase
# and a Java 17 runtime, imported into the engine; nothing pulled) runs as a container with the engine's socket
# mounted, and in it:
#   1. apt-get install ./hostlet_<v>_all.deb: the hostlet user in the docker group, /etc/hostlet, /var/lib/hostlet 0700;
#      systemd-analyze verify of the installed unit;
#   2. hostlet doctor as the service's user finds the engine and the state folder well, and the service started as
#      the installed unit says (its User=, Environment=, EnvironmentFile=, WorkingDirectory=,
#      ExecStart=; there is no systemd in the container) converges a copy of manifests/worker.yaml;
#   3. an upgrade to a newer build (the same package with a higher version) and a restart: the container keeps its id;
#   4. apt-get remove: state and manifests kept, the container still runs; dpkg --purge: state gone, manifests kept.
#
#   scripts/deb-test.sh [DEB]        default: the newest target/hostlet_*_all.deb (mvn package writes it)
#
# Needs root (mmdebstrap) and an engine ($DOCKER_HOST or /var/run/docker.sock, a unix socket). Prints the seconds
# it took. Cleans up its own container, the managed container, network and volume (all named deb-test-<pid>).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEB="${1:-$(ls -t "$ROOT"/target/hostlet_*_all.deb 2>/dev/null | head -n 1)}"
[[ -n $DEB && -f $DEB ]] || { echo "deb-test: no package (mvn package writes target/hostlet_<version>_all.deb)" >&2; exit 1; }
SOCK="${DOCKER_HOST:-unix:///var/run/docker.sock}"
SOCK="${SOCK#unix://}"
[[ -S $SOCK ]] || { echo "deb-test: $SOCK is no unix socket" >&2; exit 1; }
NAME="deb-test-$$"
start=$SECONDS

log() { echo "[deb-test] $*" >&2; }
fail() { log "FAILED: $*"; docker logs --tail 30 "$NAME" >&2 2>/dev/null || true; exit 1; }

work="$(mktemp -d)"
cleanup() {
  docker rm -f "$NAME" "$NAME-worker" >/dev/null 2>&1 || true
  docker network rm "$NAME" >/dev/null 2>&1 || true
  docker volume rm "$NAME-data" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

IMAGE="$("$ROOT/scripts/debian-root.sh")"

# The newer build: the same files under a higher version (0.1.0~SNAPSHOT -> 0.1.0~SNAPSHOT+t1), made with dpkg-deb.
cp "$DEB" "$work/old.deb"
dpkg-deb -R "$DEB" "$work/new"
old_version="$(dpkg-deb -f "$DEB" Version)"
new_version="$old_version+t1"
sed -i "s/^Version: .*/Version: $new_version/" "$work/new/DEBIAN/control"
dpkg-deb --root-owner-group -Znone -b "$work/new" "$work/new.deb" >/dev/null
rm -rf "$work/new"
dpkg --compare-versions "$new_version" gt "$old_version" || fail "$new_version is not newer than $old_version"

# The example, under names of this run's own (a shared engine may run other hostlets and examples).
sed -e "s/name: worker$/name: $NAME-worker/" -e "s/worker-data/$NAME-data/" -e "s/networks: \[demo\]/networks: [$NAME]/" \
  "$ROOT/manifests/worker.yaml" > "$work/worker.yaml"
# In the container (its PID 1 is the engine's init, which reaps the stopped service): start the service as the
# installed unit would, and stop it as systemd would (SIGTERM, wait).
cat > "$work/unit-run" <<'RUN'
#!/bin/bash
# unit-run start|stop|doctor: ExecStart= of /lib/systemd/system/hostlet.service with its User=, Group=,
# Environment=, EnvironmentFile=, WorkingDirectory= and UMask=, in the background (its pid in /run/hostlet.pid);
# or hostlet doctor the same way.
set -euo pipefail
unit=/lib/systemd/system/hostlet.service
key() { sed -n "s/^$1=//p" "$unit"; }
env=()
while read -r e; do env+=("$e"); done < <(key Environment)
for f in $(key EnvironmentFile); do
  f="${f#-}"; [[ -f $f ]] || continue
  while read -r e; do [[ -z $e || $e == \#* ]] || env+=("$e"); done < "$f"
done
cd "$(key WorkingDirectory)"
umask "$(key UMask)"
case "$1" in
  start)
    # shellcheck disable=SC2046  # ExecStart= is a word list
    setsid setpriv --reuid="$(key User)" --regid="$(key Group)" --init-groups --reset-env \
      env "${env[@]}" $(key ExecStart) >/var/log/hostlet.log 2>&1 </dev/null &
    echo $! > /run/hostlet.pid
    ;;
  doctor)
    # hostlet doctor with the same user, environment and working directory (the state folder is ./.hostlet-state).
    setpriv --reuid="$(key User)" --regid="$(key Group)" --init-groups --reset-env env "${env[@]}" \
      HOSTLET_STATE_DIR=.hostlet-state /usr/bin/hostlet doctor
    ;;
  stop)
    pid="$(cat /run/hostlet.pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done
    echo "hostlet (pid $pid) did not stop in 30 s" >&2; exit 1
    ;;
esac
RUN
chmod 755 "$work/unit-run"

docker run -d --init --name "$NAME" -v "$SOCK:/var/run/docker.sock" -v "$work:/work:ro" "$IMAGE" sleep infinity >/dev/null
inside() { docker exec "$NAME" bash -c "$1"; }
# The API's status, from inside (hostlet listens on the container's 127.0.0.1:8799).
status() {
  inside 'exec 3<>/dev/tcp/127.0.0.1/8799 && printf "GET /api/v1/status HTTP/1.0\r\nHost: 127.0.0.1:8799\r\n\r\n" >&3 && cat <&3' 2>/dev/null |
    sed '1,/^\r$/d'
}
# Waits (up to $2 seconds) for the python expression $1 over the status JSON `s` to be true.
wait_status() {
  local deadline=$((SECONDS + $2))
  while (( SECONDS < deadline )); do
    if status | python3 -c "import json,sys; s=json.load(sys.stdin); sys.exit(0 if ($1) else 1)" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  return 1
}
container_id() { docker inspect -f '{{.Id}}' "$NAME-worker" 2>/dev/null || true; }

log "install $(basename "$DEB") into a fresh $IMAGE"
# The host's docker group id, as docker.io makes it on a host (the socket is root:docker).
inside "groupadd -g $(stat -c %g "$SOCK") docker"
inside "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /work/old.deb >/dev/null" || fail "apt-get install"
inside 'id -nG hostlet | grep -qw docker' || fail "hostlet is not in the docker group"
[[ "$(inside 'stat -c %a:%U /var/lib/hostlet')" == 700:hostlet ]] || fail "/var/lib/hostlet is not 0700 hostlet"
inside 'test -x /usr/bin/hostlet && test -f /lib/systemd/system/hostlet.service && test -d /etc/hostlet/manifests' ||
  fail "files missing"

# The installed unit, as systemd reads it (the container runs no systemd; the root has its systemd-analyze).
inside 'systemd-analyze verify --man=no /lib/systemd/system/hostlet.service' || fail "systemd-analyze verify"
inside "cp /work/worker.yaml /etc/hostlet/manifests/ && echo HOSTLET_INSTANCE=$NAME >> /etc/hostlet/hostlet.env"
inside '/work/unit-run start'
wait_status "any(c['name']=='$NAME-worker' and c.get('phase')=='Running' for c in s['containers'])" 120 ||
  fail "the example did not converge: $(status | head -c 600)"
inside 'test "$(stat -c %U /proc/$(cat /run/hostlet.pid))" = hostlet' || fail "the service does not run as hostlet"
# doctor, as the service's user with the unit's settings: the engine, folders and policy as the service sees them.
inside '/work/unit-run doctor' > "$work/doctor.txt" || fail "hostlet doctor: $(cat "$work/doctor.txt")"
grep -q '^ok    engine ' "$work/doctor.txt" && grep -q '^ok    state ' "$work/doctor.txt" || fail "doctor: $(cat "$work/doctor.txt")"
inside 'test -s /usr/share/bash-completion/completions/hostlet' || fail "no bash completion"
id1="$(container_id)"
log "converged: $NAME-worker ${id1:0:12}, after $((SECONDS - start)) s"

log "upgrade to $new_version"
inside '/work/unit-run stop'
inside "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /work/new.deb >/dev/null" || fail "upgrade"
[[ "$(inside "dpkg-query -W -f='\${Version}' hostlet")" == "$new_version" ]] || fail "not upgraded"
inside '/work/unit-run start'
# A pass of the new process that found nothing to do (its second, so the first has seen the engine already).
wait_status "s['lastPass'] is not None and s['lastPass']['number']>=2 and s['lastPass']['actions']==0" 120 ||
  fail "no quiet pass after the upgrade: $(status | head -c 600)"
[[ "$(container_id)" == "$id1" ]] || fail "the upgrade recreated $NAME-worker (${id1:0:12} -> $(container_id | head -c 12))"

log "remove"
inside '/work/unit-run stop'
inside "DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq hostlet >/dev/null" || fail "remove"
inside 'test -f /etc/hostlet/manifests/worker.yaml' || fail "remove deleted the manifests"
inside 'test -d /var/lib/hostlet && test -n "$(ls -A /var/lib/hostlet)"' || fail "remove deleted the state"
[[ "$(docker inspect -f '{{.State.Running}}' "$NAME-worker")" == true ]] || fail "the container stopped with hostlet"
log "purge"
inside 'dpkg --purge hostlet >/dev/null' || fail "purge"
inside 'test ! -e /var/lib/hostlet' || fail "purge kept the state"
inside 'test -f /etc/hostlet/manifests/worker.yaml' || fail "purge deleted the manifests"
[[ "$(container_id)" == "$id1" ]] || fail "the container changed"
log "passed in $((SECONDS - start)) s"
