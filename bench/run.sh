#!/usr/bin/env bash
# hostlet's benchmark against docker-compose and the engine's own floor (not a test: it measures).
#
#   bench/run.sh [--sizes 10,50,200] [--repeat 3] [--quick] [--results FILE]
#
# Builds what is missing -- the packaged service, the test classpath, the floor program -- then runs
# bench/bench.py, which prints a table and writes bench/results/<date>.md. See bench/README.md.
# Needs a Docker engine on the local socket (or DOCKER_HOST=unix://...), docker-compose, the image
# hostlet-test/busybox:1 (scripts/build-test-image.sh), java 17, maven and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { echo "[bench/run.sh] $*" >&2; }

jar=target/quarkus-app/quarkus-run.jar
if [[ ! -f "$jar" ]]; then
  log "building $jar"
  mvn -B -q package -DskipTests
elif [[ -n "$(find src/main pom.xml -newer "$jar" -type f -print -quit)" ]]; then
  log "note: sources are newer than $jar; measuring the jar as built (rm it, or mvn package, to rebuild)"
fi

cpfile=target/bench-classpath.txt
if [[ ! -s "$cpfile" || pom.xml -nt "$cpfile" ]]; then
  log "resolving the test classpath into $cpfile"
  mvn -B -q dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test
fi

# The floor program, as `mvn package` compiled it; compiled on its own if that is missing or stale,
# so the benchmark does not depend on every other test compiling.
src=src/test/java/io/hostlet/bench/FloorBench.java
classes=target/test-classes
if [[ ! -f "$classes/io/hostlet/bench/FloorBench.class" || "$src" -nt "$classes/io/hostlet/bench/FloorBench.class" ]]; then
  classes=target/bench-classes
  if [[ ! -f "$classes/io/hostlet/bench/FloorBench.class" || "$src" -nt "$classes/io/hostlet/bench/FloorBench.class" ]]; then
    log "compiling $src into $classes"
    mkdir -p "$classes"
    javac -nowarn -d "$classes" -cp "$(cat "$cpfile")" "$src"
  fi
fi

exec python3 bench/bench.py --jar "$jar" --floor-classpath "$classes:target/classes:$(cat "$cpfile")" "$@"
