#!/usr/bin/env bash
# Runs at every first boot of a runner VM (cloud-init, as root, before vmss-runner.service):
# makes sure the GitHub Actions runner is installed in RUNNER_DIR.
#   - already there (a custom image with the runner unpacked): nothing to do;
#   - an image built from GitHub's runner-images keeps the runner package in /opt/runner-cache:
#     the newest one there is unpacked;
#   - otherwise (a plain marketplace image) RUNNER_VERSION is downloaded from GitHub's releases,
#     checked against RUNNER_SHA256, unpacked, and its dependencies are installed.
#
# Environment:
#   RUNNER_DIR        where to install (default: /opt/actions-runner)
#   RUNNER_VERSION    runner version to download, e.g. 2.330.0 (required when a download is needed)
#   RUNNER_SHA256     SHA-256 of actions-runner-linux-x64-$RUNNER_VERSION.tar.gz (required with a download)
#   RUNNER_CACHE_DIR  where an image keeps runner packages (default: /opt/runner-cache)
set -euo pipefail

runner_dir=${RUNNER_DIR:-/opt/actions-runner}
cache_dir=${RUNNER_CACHE_DIR:-/opt/runner-cache}

log() { echo "vmss-runner: $*" >&2; }

if [[ -x $runner_dir/run.sh ]]; then
  log "runner already installed in $runner_dir"
  exit 0
fi
mkdir -p "$runner_dir"

cached=$(find "$cache_dir" -maxdepth 1 -name 'actions-runner-linux-x64-*.tar.gz' 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -n $cached ]]; then
  log "unpacking $cached into $runner_dir"
  tar -xzf "$cached" -C "$runner_dir"
  exit 0
fi

version=${RUNNER_VERSION:?RUNNER_VERSION is required when the image has no runner}
sha256=${RUNNER_SHA256:?RUNNER_SHA256 is required when the image has no runner}
package=actions-runner-linux-x64-$version.tar.gz
download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
log "downloading runner $version"
curl -fsSL --retry 5 --retry-delay 5 --max-time 300 -o "$download/$package" \
  "https://github.com/actions/runner/releases/download/v$version/$package"
echo "$sha256  $download/$package" | sha256sum -c --quiet -
tar -xzf "$download/$package" -C "$runner_dir"
"$runner_dir/bin/installdependencies.sh"
