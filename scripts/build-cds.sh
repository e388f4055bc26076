#!/usr/bin/env bash
# Writes a class-data-sharing archive for hostlet: <quarkus-app>/hostlet.jsa.
#
#   scripts/build-cds.sh [quarkus-app dir]      default: target/quarkus-app
#
# Why: about a third of hostlet's start is the JVM loading and verifying JDK classes that the JDK's own
# archive does not hold (NIO, TLS, lambda forms...). A training run records them once; every later start
# maps them (java -XX:SharedArchiveFile=<dir>/hostlet.jsa ...). Measured on 2 cores: ready about 0.5 s sooner.
#
# The training run starts hostlet on an empty temporary folder under a throw-away instance name, waits until
# its HTTP server answers, and stops it; the JVM writes the archive as it exits. It changes nothing on the
# engine (an empty folder plans nothing) and works without one (the pass fails, the classes are loaded anyway).
# The archive fits only the java that wrote it: rerun after a JDK upgrade (a stale one is ignored, not fatal).
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
mkdir "$work/manifests"

rm -f "$OUT"
java @"$ROOT/deploy/jvm.options" -XX:ArchiveClassesAtExit="$OUT" \
  -Dhostlet.manifests.dir="$work/manifests" -Dhostlet.instance="cds-training-$$" \
  -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=0 \
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
sleep 1 # let the first pass run, so the engine client's classes are loaded too
kill -TERM "$pid"
wait "$pid" || true
pid=""
[[ -s $OUT ]] || { echo "build-cds: no archive was written:" >&2; cat "$work/log" >&2; exit 1; }
echo "build-cds: wrote $OUT ($(du -h "$OUT" | cut -f1))" >&2
