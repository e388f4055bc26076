#!/usr/bin/env bash
# How an update looks to a client: StartFirst against StopFirst (bench/rollout.py; see bench/README.md).
#
#   bench/rollout.sh [--strategies StartFirst,StopFirst] [--repeat 3] [--results FILE]
#
# Needs what bench/run.sh needs, minus docker-compose; builds target/quarkus-app if it is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jar=target/quarkus-app/quarkus-run.jar
if [[ ! -f "$jar" ]]; then
  echo "[bench/rollout.sh] building $jar" >&2
  mvn -B -q package -DskipTests
elif [[ -n "$(find src/main pom.xml -newer "$jar" -type f -print -quit)" ]]; then
  echo "[bench/rollout.sh] note: sources are newer than $jar; measuring the jar as built" >&2
fi
exec python3 bench/rollout.py --jar "$jar" "$@"
