#!/usr/bin/env bash
# Builds hostlet's test image -- a tiny busybox rootfs -- WITHOUT pulling anything:
# the rootfs is assembled locally around the static /bin/busybox of Debian's busybox-static
# package and fed to `docker import`.
#
#   scripts/build-test-image.sh [TAG]        (default TAG: hostlet-test/busybox:1)
#
# The image has /bin/busybox with a link for every applet (sh, sleep, httpd, nc, wget, ...),
# /tmp, /etc/passwd + /etc/group (root, nobody), and /www/index.html for `httpd -h /www`.
#
# Rerunning is cheap: the build is skipped when TAG already points at an image built from the same
# inputs (this script + the busybox binary). That is recorded as a second tag, <repo>:build-<hash>,
# NOT as an image label or ENV: containers inherit both, which would leak into what hostlet observes.
# HOSTLET_TEST_IMAGE_REBUILD=1 forces a rebuild. DOCKER_HOST is honoured like for any docker CLI call.
set -euo pipefail

TAG="${1:-hostlet-test/busybox:1}"
BUSYBOX="${BUSYBOX:-/bin/busybox}"
log() { echo "[build-test-image] $*" >&2; }

command -v docker >/dev/null || { log "the docker CLI is missing (apt-get install docker.io)"; exit 1; }
if [[ ! -x "$BUSYBOX" ]]; then
  log "$BUSYBOX is missing: apt-get install busybox-static"; exit 1
fi
# Must be static: the image has no libc. (Checked only when `file` is installed.)
if command -v file >/dev/null; then
  kind="$(LC_ALL=C file -L "$BUSYBOX" 2>/dev/null || true)"
  if [[ "$kind" != *"statically linked"* && "$kind" != *"static-pie linked"* ]]; then
    log "$BUSYBOX is not statically linked (install busybox-static, not busybox): $kind"; exit 1
  fi
fi

# <repo>:build-<hash> -- the repo is TAG minus a trailing :tag (a ':' after the last '/').
repo="$TAG"
if [[ "${TAG##*/}" == *:* ]]; then repo="${TAG%:*}"; fi
hash="$( { cat "${BASH_SOURCE[0]}"; cat "$BUSYBOX"; } | sha256sum | cut -c1-16)"
hash_tag="$repo:build-$hash"

image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

if [[ "${HOSTLET_TEST_IMAGE_REBUILD:-0}" != 1 ]]; then
  have="$(image_id "$TAG")"
  if [[ -n "$have" && "$have" == "$(image_id "$hash_tag")" ]]; then
    log "$TAG already exists and is up to date ($hash_tag, ${have:7:12}); skipping the build"
    exit 0
  fi
  [[ -n "$have" ]] && log "$TAG exists but was built from other inputs; rebuilding"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/hostlet-test-image.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"/{bin,etc,tmp,www,root,home,var/tmp}
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 700 "$root/root"
cp "$BUSYBOX" "$root/bin/busybox"
chmod 755 "$root/bin/busybox"

# A link for every applet this busybox has; the ones the tests and examples rely on must be among them.
required=(sh sleep httpd nc false true cat echo ls env wget id mkdir touch)
mapfile -t applets < <("$BUSYBOX" --list)
declare -A have_applet=()
for a in "${applets[@]}"; do have_applet[$a]=1; done
for a in "${required[@]}"; do
  [[ -n "${have_applet[$a]:-}" ]] || { log "$BUSYBOX has no '$a' applet"; exit 1; }
done
for a in "${applets[@]}"; do
  [[ "$a" == busybox || "$a" == */* ]] && continue
  ln -sf busybox "$root/bin/$a"
done

cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
nobody:x:65534:
GROUP
cat >"$root/www/index.html" <<'HTML'
<!doctype html>
<html><head><title>hostlet</title></head>
<body><h1>hello from hostlet</h1><p>Served by busybox httpd in hostlet-test/busybox.</p></body></html>
HTML

# A reproducible tarball: fixed owner and mtime, sorted entries.
tar --numeric-owner --owner=0 --group=0 --mtime='@0' --sort=name \
    -C "$root" -cf "$work/rootfs.tar" .

log "importing $TAG (no pulls: docker import of a local tarball)"
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/sh"]' \
  --message "hostlet test image (busybox-static), build $hash" \
  "$work/rootfs.tar" "$TAG" >/dev/null

# Drop stale build-<hash> tags of this repo (untag only), then record this build.
for old in $(docker image ls --format '{{.Repository}}:{{.Tag}}' "$repo" 2>/dev/null || true); do
  if [[ "$old" == "$repo:build-"* && "$old" != "$hash_tag" ]]; then
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
done
docker tag "$TAG" "$hash_tag"
log "built $TAG ($(image_id "$TAG" | cut -c8-19)), also tagged $hash_tag"
