#!/usr/bin/env bash
# Builds the wrtcbench image offline, from a static binary built here, with
# Dockerfile.local (FROM scratch: no base image is pulled), then runs it
# once: `wrtcbench version` and `wrtcbench validate` of a bundled scenario.
#
#   deploy/image/build-local.sh [TAG]        # default wrtcbench:local
#
# It uses buildah or podman, and installs Debian's buildah when neither is
# here and it runs as root. Where neither can build (no user namespaces in a
# sandbox, say), it says why and exits 0: the image is optional here, and
# cmd/wrtcbench's deploy test checks the Dockerfiles' essentials anyway.
set -euo pipefail
cd "$(dirname "$0")/../.."
tag="${1:-wrtcbench:local}"

skip() { echo "build-local: skipped: $*"; exit 0; }

tool=""
for t in buildah podman; do command -v "$t" >/dev/null 2>&1 && { tool=$t; break; }; done
if [ -z "$tool" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing buildah"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah >/dev/null) \
    || skip "buildah could not be installed"
  tool=buildah
fi
[ -n "$tool" ] || skip "neither buildah nor podman is installed"

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
echo "== static binary"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$ctx/wrtcbench" ./cmd/wrtcbench
if command -v file >/dev/null 2>&1; then file "$ctx/wrtcbench" | grep -q 'statically linked' || { file "$ctx/wrtcbench"; exit 1; }; fi
cp /etc/ssl/certs/ca-certificates.crt "$ctx/" 2>/dev/null || skip "no CA bundle at /etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$ctx/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$ctx/group"
cp -r scenarios "$ctx/scenarios"

echo "== $tool build -f Dockerfile.local -t $tag"
if [ "$tool" = buildah ]; then
  build=(buildah build --isolation chroot --storage-driver vfs)
  runner=(podman)
else
  build=(podman build --isolation chroot --storage-driver vfs)
  runner=(podman --storage-driver vfs)
fi
if ! "${build[@]}" -f Dockerfile.local -t "$tag" "$ctx" >"$ctx/build.log" 2>&1; then
  tail -5 "$ctx/build.log"
  skip "$tool cannot build here (see the lines above)"
fi
echo "built $tag"

# Run it, where a container runtime can: podman, or buildah's own run.
if command -v podman >/dev/null 2>&1; then
  "${runner[@]}" run --rm "$tag" version && "${runner[@]}" run --rm "$tag" validate /scenarios/soak.yaml \
    || echo "build-local: built, but podman cannot run containers here"
else
  c=$(buildah --storage-driver vfs from "$tag")
  buildah --storage-driver vfs run --isolation chroot "$c" -- /usr/local/bin/wrtcbench version \
    && buildah --storage-driver vfs run --isolation chroot --user 65532:65532 "$c" -- /usr/local/bin/wrtcbench validate /scenarios/soak.yaml \
    || echo "build-local: built, but buildah cannot run the container here"
  buildah --storage-driver vfs rm "$c" >/dev/null
fi
