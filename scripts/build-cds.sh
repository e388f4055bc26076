#!/usr/bin/env bash
# Writes a class-data-sharing archive for hostlet: <quarkus-app>/hostlet.jsa.
#
#   scripts/build-cds.sh [quarkus-app dir]      default: target/quarkus-app
#
# Why: about a third of hostlet's start is the JVM loading and verifying JDK classes that the JDK's own
# archive does not hold (NIO, TLS, lambda forms...). A training run records them once; every later start
# maps them (java -XX:SharedArchiveFile=<dir>/hostlet.jsa ...). Measured on 2 cores: ready about 0.5 s sooner.
#
# The training run starts hostlet in observe mode (it plans, and creates, stops, removes and pulls nothing) on a
# temporary folder with one manifest, a temporary state folder and a throw-away instance name. It waits for a
# pass that planned that manifest, asks the API what an operator's tools ask, and stops it; the JVM writes the
# archive as it exits. So the archive also holds what the first real pass needs: the manifest parser, the
# planner and the spec hash (on an empty folder they were loaded from the jars by the first manifest, on the
# path of the first create). It changes nothing on the engine, also when it is killed, and works without one
# (the passes fail, most classes are loaded anyway). The archive fits only the java that wrote it: rerun after a
# JDK upgrade (a stale one is ignored, not fatal).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP="$(cd "${1:-$ROOT/target/quarkus-app}" && pwd)"
JAR="$APP/quarkus-run.jar"
OUT="$APP/hostlet.jsa"
[[ -f $JAR ]] || { echo "build-cds: $JAR is missing (mvn package first)" >&2; exit 1; }

work="$(mktemp -d)"
pid=""
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/manifests" "$work/state"
# An image no engine has, never pulled: even a mistaken act mode could not make a container from it.
cat >"$work/manifests/training.yaml" <<'YAML'
apiVersion: hostlet.io/v1
kind: Container
metadata:
  name: cds-training
  labels: {app: training}
spec:
  image: hostlet-cds-training.invalid/none:1
  imagePullPolicy: Never
  command: ["/bin/sh", "-c"]
  args: ["sleep 3600"]
  env: [{name: GREETING, value: hello}]
  ports: [{containerPort: 80, hostPort: 18080, hostIP: 127.0.0.1}]
  healthcheck: {exec: ["true"], interval: 5s}
  restartPolicy: Always
  stopGracePeriod: 2s
YAML

rm -f "$OUT"
java @"$ROOT/deploy/jvm.options" -XX:ArchiveClassesAtExit="$OUT" \
  -Dhostlet.mode=observe -Dhostlet.manifests.dir="$work/manifests" -Dhostlet.state-dir="$work/state" \
  -Dhostlet.instance="cds-training-$$" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=0 \
  -jar "$JAR" >"$work/log" 2>&1 &
pid=$!

# Port 0: the kernel picks a free port; Quarkus logs it.
for _ in $(seq 1 600); do
  port="$(grep -o 'Listening on: http://[0-9.]*:[0-9]*' "$work/log" | grep -o '[0-9]*$' || true)"
  if [[ -n $port ]] && curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/live"; then
    break
  fi
  kill -0 "$pid" 2>/dev/null || { echo "build-cds: the training run exited early:" >&2; cat "$work/log" >&2; exit 1; }
  sleep 0.1
done
# A pass that planned the manifest (its name in status); without an engine none does: go on after 5 s.
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$port/api/v1/status" 2>/dev/null | grep -q '"cds-training"' && break
  sleep 0.1
done
for path in /api/v1/status /api/v1/plan /api/v1/containers/cds-training /api/v1/events /q/health/ready /q/metrics; do
  curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$port$path" || true
done
kill -TERM "$pid"
wait "$pid" || true
pid=""
[[ -s $OUT ]] || { echo "build-cds: no archive was written:" >&2; cat "$work/log" >&2; exit 1; }
echo "build-cds: wrote $OUT ($(du -h "$OUT" | cut -f1))" >&2
