#!/usr/bin/env bash
# Records what compose itself resolves for each compose file of the import's test corpus, as the golden that
# ComposeCorpusTest compares every imported value against.
#
#   scripts/record-compose-goldens.sh [CORPUS_DIR]    (default: src/test/resources/compose-corpus)
#
# For each SET/NAME.yaml (SET/NAME.env, when present, is the project's .env): runs `docker-compose -f NAME.yaml
# config` (Debian's docker-compose 1.29) in a scratch folder named NAME, in the clean environment the test uses
# (env -i PATH=/usr/bin:/bin HOME=/home/user LANG=C.UTF-8), and writes SET/NAME.compose-config.yaml. env_file files
# the corpus does not hold are stubbed empty, and missing build folders created empty, for this run only (compose
# refuses a missing one). A file this
# compose is too old for (it exits non-zero) gets no golden; the test then checks nothing against compose for it.
# Re-record after adding a file to the corpus; commit the goldens with it.
set -u
CORPUS=${1:-src/test/resources/compose-corpus}
command -v docker-compose >/dev/null || { echo "docker-compose is not installed" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for f in "$CORPUS"/*/*.yaml; do
  case "$f" in *.compose-config.yaml) continue ;; esac
  set_dir=$(dirname "$f")
  name=$(basename "$f" .yaml)
  d="$scratch/$(basename "$set_dir")/$name"
  mkdir -p "$d"
  cp "$f" "$d/$name.yaml"
  [ -f "$set_dir/$name.env" ] && cp "$set_dir/$name.env" "$d/.env"
  out="$set_dir/$name.compose-config.yaml"
  rm -f "$out"
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    msg=$(cd "$d" && env -i PATH=/usr/bin:/bin HOME=/home/user LANG=C.UTF-8 docker-compose -f "$name.yaml" config 2>&1 >"$d/config.yaml")
    rc=$?
    missing=$(printf '%s\n' "$msg" | sed -n "s/.*Couldn't find env file: \(.*\)$/\1/p" | head -1)
    if [ $rc -ne 0 ] && [ -n "$missing" ] && [ ! -e "$missing" ]; then
      mkdir -p "$(dirname "$missing")" && : > "$missing"
      continue
    fi
    context=$(printf '%s\n' "$msg" | sed -n "s/.*build path \(.*\) either does not exist.*/\1/p" | head -1)
    if [ $rc -ne 0 ] && [ -n "$context" ] && [ ! -e "$context" ]; then
      mkdir -p "$context"
      continue
    fi
    break
  done
  if [ $rc -eq 0 ]; then
    # bind-mount sources are absolute in compose's output: the scratch folder is written as /corpus
    sed "s#$scratch/#/corpus/#g" "$d/config.yaml" > "$out"
    echo "recorded $out"
  else
    echo "no golden for $f (docker-compose: $(printf '%s\n' "$msg" | grep -v WARNING | head -1))"
  fi
done
