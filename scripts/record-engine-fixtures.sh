#!/usr/bin/env bash
# Records an engine's raw answers (version, container list, inspect, events, errors) as golden fixtures for the
# adapter's unit tests: src/test/resources/engine-dialects/KIND/. Run against a private engine:
#
#   scripts/engine-ns.sh start NAME KIND && scripts/engine-ns.sh load NAME hostlet-test/busybox:1
#   scripts/record-engine-fixtures.sh NAME
#
# The answers are kept as the engine wrote them (pretty-printed by jq, ids and times as they were), so a test that
# reads them sees what hostlet sees on that engine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name="${1:?engine name}"
kind="$("$ROOT/scripts/engine-ns.sh" kind "$name")"
sock="$("$ROOT/scripts/engine-ns.sh" host "$name")"; sock="${sock#unix://}"
out="$ROOT/src/test/resources/engine-dialects/$kind"
mkdir -p "$out"
api() { curl -s --max-time 20 --unix-socket "$sock" "http://engine$1" "${@:2}"; }
# status and body of one call, as {"status": N, "body": ...}
answer() { api "$@" -w '\n%{http_code}' | jq -Rs 'split("\n") | {status: (.[-1] | tonumber), body: (.[:-1] | join("\n") | fromjson? // .)}'; }
img=hostlet-test/busybox:1
labels='{"io.hostlet.managed":"true","io.hostlet.instance":"fixtures"}'
cleanup() { for c in fx-health fx-plain fx-exited; do api "/containers/$c?force=1" -X DELETE >/dev/null || true; done; }
cleanup
t0=$(date +%s)
api /version | jq . >"$out/version.json"
create() { api "/containers/create?name=$1" -X POST -H 'Content-Type: application/json' -d "$2"; }
create fx-health "{\"Image\":\"$img\",\"Cmd\":[\"sleep\",\"600\"],\"Labels\":$labels,
  \"Healthcheck\":{\"Test\":[\"CMD\",\"true\"],\"Interval\":1000000000,\"Timeout\":1000000000,\"Retries\":1}}" >/dev/null
create fx-plain "{\"Image\":\"$img\",\"Cmd\":[\"sleep\",\"600\"],\"Labels\":$labels}" >/dev/null
create fx-exited "{\"Image\":\"$img\",\"Cmd\":[\"sh\",\"-c\",\"exit 3\"],\"Labels\":$labels}" >/dev/null
for c in fx-health fx-plain fx-exited; do api "/containers/$c/start" -X POST >/dev/null; done
# Docker runs the check on its own; podman without systemd has no timer for it, so it is run once by hand.
if jq -e '.Components[]? | select(.Name == "Podman Engine")' "$out/version.json" >/dev/null; then
  api /v4.0.0/libpod/containers/fx-health/healthcheck >/dev/null || true
fi
for _ in $(seq 1 50); do
  [[ "$(api /containers/fx-health/json | jq -r .State.Health.Status)" == healthy ]] && break; sleep 0.2
done
api /containers/fx-exited/wait -X POST >/dev/null
filters='{"label":["io.hostlet.instance=fixtures"]}'
api "/containers/json?all=1&filters=$(jq -rn --arg f "$filters" '$f|@uri')" | jq . >"$out/containers-list.json"
api /containers/fx-health/json | jq . >"$out/inspect-health.json"
if jq -e '.Components[]? | select(.Name == "Podman Engine")' "$out/version.json" >/dev/null; then
  api "/v4.0.0/libpod/containers/json?all=true&filters=$(jq -rn --arg f "$filters" '$f|@uri')" | jq . >"$out/libpod-containers-list.json"
fi
api /containers/fx-exited/json | jq . >"$out/inspect-exited.json"
api "/events?since=$t0&until=$(( $(date +%s) + 1 ))&filters=$(jq -rn --arg f '{"type":["container"],"label":["io.hostlet.instance=fixtures"]}' '$f|@uri')" \
  | jq -s . >"$out/events.json"
answer "/containers/create?name=fx-plain" -X POST -H 'Content-Type: application/json' -d "{\"Image\":\"$img\"}" \
  >"$out/error-name-conflict.json"
answer "/containers/create?name=fx-noimage" -X POST -H 'Content-Type: application/json' -d '{"Image":"hostlet-test/absent:1"}' \
  >"$out/error-no-such-image.json"
answer /containers/fx-gone/json >"$out/error-not-found.json"
api "/images/json" | jq . >"$out/images-list.json"
cleanup
echo "recorded $kind into $out" >&2
