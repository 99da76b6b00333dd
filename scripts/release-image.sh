#!/usr/bin/env bash
# Releases the webhook image and writes its digest into deploy/, so that what deploy/ names is the
# image a release built, not one that exists only on somebody's machine (see RELEASING.md):
#   1. builds the package once and the image twice (scripts/build-image.sh): both must have one digest;
#   2. pushes it to REPOSITORY:VERSION with skopeo, keeping that digest;
#   3. points deploy/ at REPOSITORY:VERSION with no digest, then `rampart pin` asks the registry for the
#      tag's digest and writes it (the Kustomize base, the chart's values);
#   4. checks that every image deploy/ names is the digest built in step 1.
# Usage: scripts/release-image.sh VERSION REPOSITORY    e.g. 0.2.0 ghcr.io/rampart-gitops/rampart
# Environment: REGISTRY_USER and REGISTRY_PASSWORD log in to the registry (written to
# $DOCKER_CONFIG/config.json, which `rampart pin` reads too); RELEASE_INSECURE_REGISTRY=1 speaks
# plain HTTP to it (a loopback registry in tests); DEPLOY_DIR rewrites another copy of deploy/.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: scripts/release-image.sh VERSION REPOSITORY}
repository=${2:?usage: scripts/release-image.sh VERSION REPOSITORY}
deploy=${DEPLOY_DIR:-deploy}
registry=${repository%%/*}

[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] || { echo "release-image: VERSION must be semver (a tag v1.2.3 releases 1.2.3), not '$version'" >&2; exit 2; }
package_version=$(node -p 'require("./package.json").version')
[[ $package_version == "$version" ]] || { echo "release-image: package.json says $package_version, the release is $version: set the version and tag again" >&2; exit 2; }
for tool in skopeo umoci; do command -v "$tool" >/dev/null || { echo "release-image: $tool is not installed (apt-get install $tool)" >&2; exit 2; }; done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
login=(); push=(); pin=()
if [[ ${RELEASE_INSECURE_REGISTRY:-} == 1 ]]; then login=(--tls-verify=false); push=(--dest-tls-verify=false); pin=(--insecure-registry "$registry"); fi
export DOCKER_CONFIG=${DOCKER_CONFIG:-$work/docker}
if [[ -n ${REGISTRY_USER:-} ]]; then
  mkdir -p "$DOCKER_CONFIG"
  skopeo login "${login[@]}" --authfile "$DOCKER_CONFIG/config.json" --username "$REGISTRY_USER" --password-stdin "$registry" \
    <<<"${REGISTRY_PASSWORD:?REGISTRY_PASSWORD is needed with REGISTRY_USER}" >/dev/null
  push+=(--dest-authfile "$DOCKER_CONFIG/config.json")
fi

[[ ${RAMPART_IMAGE_PREBUILT:-} == 1 ]] || npm run -s build
first=$(RAMPART_IMAGE_PREBUILT=1 scripts/build-image.sh "$work/first")
second=$(RAMPART_IMAGE_PREBUILT=1 scripts/build-image.sh "$work/second")
if [[ $first != "$second" ]]; then
  echo "release-image: two builds of one checkout gave $first and $second: the image is not reproducible, nothing pushed" >&2
  exit 1
fi
echo "release-image: built $first twice"

skopeo copy --quiet --preserve-digests "${push[@]}" "oci:$work/first:latest" "docker://$repository:$version"
echo "release-image: pushed $repository:$version"

# deploy/ names the released tag with no digest; `rampart pin` asks the registry for the digest
values=$deploy/helm/rampart-admission/values.yaml
chart=$deploy/helm/rampart-admission/Chart.yaml
old_repository=$(sed -n 's/^  repository: *//p' "$values")
sed -i -E "s#^([[:space:]]*image: )${old_repository//./\\.}(:[^@[:space:]]*)?(@sha256:[0-9a-f]{64})?[[:space:]]*\$#\1$repository:$version#" "$deploy/admission/deployment.yaml"
sed -i -E "s#^  repository: .*#  repository: $repository#; s#^  tag: .*#  tag: \"$version\"#; s#^  digest: .*#  digest: \"\"#" "$values"
sed -i -E "s#^version: .*#version: $version#; s#^appVersion: .*#appVersion: \"$version\"#" "$chart"
node bin/rampart.js pin "$deploy" --no-git-refs "${pin[@]}"

written=$(grep -rhoE '(image: .*|digest: *"?)sha256:[0-9a-f]{64}' "$deploy" | grep -oE 'sha256:[0-9a-f]{64}' | sort -u)
if [[ $written != "$first" ]]; then
  echo "release-image: deploy/ names ${written:-no digest} after pinning, not the built $first" >&2
  exit 1
fi
echo "release-image: deploy/ pinned to $repository:$version@$first"
echo "$first"
