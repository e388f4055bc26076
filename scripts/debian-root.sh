#!/usr/bin/env bash
# A Debian root made from Debian's own packages, imported into the engine as an image: nothing is pulled from a
# registry. Used by the package test (scripts/deb-test.sh) and the image build (scripts/build-image.sh).
#
#   scripts/debian-root.sh [IMAGE]     default IMAGE: hostlet-debian/bookworm-jre:17
#
# mmdebstrap (apt-get install mmdebstrap) makes a bookworm minbase root plus a Java 17 runtime and adduser. The
# tarball is cached in $HOSTLET_DEBROOT_CACHE (default /var/cache/hostlet) and made again only when it is older
# than $HOSTLET_DEBROOT_MAX_AGE days (default 30: the security updates of a month); the image is imported again
# only when missing or older than the tarball. Prints the image name. Needs root (mmdebstrap's root mode).
set -euo pipefail

IMAGE="${1:-hostlet-debian/bookworm-jre:17}"
CACHE="${HOSTLET_DEBROOT_CACHE:-/var/cache/hostlet}"
MAX_AGE="${HOSTLET_DEBROOT_MAX_AGE:-30}"
MIRROR="${HOSTLET_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm
# What the root holds beyond minbase: the package's dependencies, so `apt-get install ./hostlet.deb` resolves
# offline; procps for the tests' `ps`; systemd for `systemd-analyze verify` of the installed unit (it does not run:
# the container's PID 1 is not systemd). The tarball's name carries the list, so a new list makes a new root.
PACKAGES=openjdk-17-jre-headless,adduser,procps,systemd
TARBALL="$CACHE/debian-$SUITE-$(echo "$PACKAGES" | md5sum | cut -c1-8).tar"

log() { echo "[debian-root] $*" >&2; }

if ! command -v mmdebstrap >/dev/null; then
  log "apt-get install mmdebstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
fi
mkdir -p "$CACHE"
if [[ ! -s $TARBALL ]] || [[ -n $(find "$TARBALL" -mtime +"$MAX_AGE" -print -quit) ]]; then
  log "mmdebstrap $SUITE minbase + $PACKAGES -> $TARBALL"
  start=$SECONDS
  # Written beside the target and renamed, so a cut-short run never leaves a half tarball in the cache.
  # --skip=cleanup/apt/lists keeps nothing extra; the apt lists are dropped (a test never needs them).
  mmdebstrap --quiet --format=tar --variant=minbase --include="$PACKAGES" \
    --components=main "$SUITE" "$TARBALL.part" "$MIRROR" "deb http://deb.debian.org/debian-security $SUITE-security main"
  mv -f "$TARBALL.part" "$TARBALL"
  log "root made in $((SECONDS - start)) s ($(du -h "$TARBALL" | cut -f1))"
fi

created="$(docker image inspect -f '{{.Created}}' "$IMAGE" 2>/dev/null || true)"
if [[ -z $created ]] || (( $(date -d "$created" +%s) < $(stat -c %Y "$TARBALL") )); then
  log "docker import $TARBALL $IMAGE"
  docker import --change 'CMD ["/bin/bash"]' "$TARBALL" "$IMAGE" >/dev/null
fi
echo "$IMAGE"
