#!/usr/bin/env bash
# Builds the webhook image (`rampart serve admission`) as an OCI layout from this checkout, with no
# base image and no network: the packed package (`npm pack`, its bundled dependencies included) in
# /app, this machine's Node.js with the shared libraries it links, the CA bundle, a nonroot user.
# Every file time, owner and history date is fixed, so the same inputs give the same digest.
# Usage: scripts/build-image.sh [LAYOUT_DIR]   (default .image; prints the image's digest)
# RAMPART_IMAGE_PREBUILT=1 packs dist/ as it is instead of building it first (scripts/release-image.sh
# builds once and then the image twice, to check that both have one digest).
# A release (push, and the digest written into deploy/): scripts/release-image.sh, see RELEASING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
layout=${1:-.image}
epoch=1970-01-01T00:00:00Z
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[[ ${RAMPART_IMAGE_PREBUILT:-} == 1 ]] || npm run -s build
npm pack --silent --ignore-scripts --pack-destination "$work" >/dev/null
root=$work/rootfs
mkdir -p "$root/app" "$root/usr/bin" "$root/etc/ssl/certs" "$root/tmp"
tar -xzf "$work"/*.tgz -C "$root/app" --strip-components=1
node=$(command -v node)
cp -L "$node" "$root/usr/bin/node"
for library in $(ldd "$node" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
  mkdir -p "$root$(dirname "$library")"
  cp -L "$library" "$root$library"
done
cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
printf 'root:x:0:0::/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$root/etc/group"
chmod 1777 "$root/tmp"

rm -rf "$layout"
umoci init --layout "$layout"
umoci new --image "$layout:latest"
umoci unpack --rootless --image "$layout:latest" "$work/bundle" >/dev/null
rm -rf "$work/bundle/rootfs"
mv "$root" "$work/bundle/rootfs"
find "$work/bundle/rootfs" -exec touch -h -d "$epoch" {} +
umoci repack --image "$layout:latest" --history.created "$epoch" --history.created_by 'scripts/build-image.sh' "$work/bundle"
umoci config --image "$layout:latest" --no-history --created "$epoch" --architecture amd64 --os linux \
  --config.user 65532:65532 --config.workingdir /app --config.env NODE_ENV=production \
  --config.entrypoint /usr/bin/node --config.entrypoint /app/bin/rampart.js \
  --config.label "org.opencontainers.image.source=https://github.com/rampart-gitops/rampart" \
  --config.label "org.opencontainers.image.version=$(node -p 'require("./package.json").version')"
umoci gc --layout "$layout"
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$layout/index.json"
