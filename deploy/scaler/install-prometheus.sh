#!/usr/bin/env bash
# Installs (or upgrades) the Prometheus server that vmss-scaler-metrics.service runs in agent mode, from
# Prometheus's GitHub release, on the scaler VM; run by configure-scaler.sh when the version changed.
# The package is checked against PROMETHEUS_SHA256 when given (pin it for a supply chain you control);
# otherwise against the release's own sha256sums.txt, which catches a damaged download but not a
# forged release (a warning is logged). Prometheus 2.45 or newer signs in to Azure with a managed
# identity (remote_write azuread); the distribution's package is not used because its build may
# leave that out.
#
# Environment:
#   PROMETHEUS_VERSION    e.g. 3.5.0 (required)
#   PROMETHEUS_SHA256     SHA-256 of prometheus-<version>.linux-<arch>.tar.gz; empty: from sha256sums.txt
#   INSTALL_DIR           default /opt/vmss-scaler-metrics
#   PROMETHEUS_BASE_URL   default https://github.com/prometheus/prometheus/releases/download (tests: file://)
set -euo pipefail

version=${PROMETHEUS_VERSION:?PROMETHEUS_VERSION is required}
sha256=${PROMETHEUS_SHA256:-}
install_dir=${INSTALL_DIR:-/opt/vmss-scaler-metrics}
base_url=${PROMETHEUS_BASE_URL:-https://github.com/prometheus/prometheus/releases/download}

log() { echo "prometheus install: $*" >&2; }

case $(uname -m) in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) log "no Prometheus build for $(uname -m)"; exit 1 ;;
esac
name=prometheus-$version.linux-$arch
download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT

log "downloading $name"
curl -fsSL --retry 5 --retry-delay 5 --max-time 600 -o "$download/$name.tar.gz" "$base_url/v$version/$name.tar.gz"
if [[ -z $sha256 ]]; then
  curl -fsSL --retry 5 --retry-delay 5 --max-time 60 -o "$download/sha256sums.txt" "$base_url/v$version/sha256sums.txt"
  sha256=$(awk -v f="$name.tar.gz" '$2 == f { print $1 }' "$download/sha256sums.txt")
  if [[ -z $sha256 ]]; then
    log "the release's sha256sums.txt does not list $name.tar.gz"
    exit 1
  fi
  log "WARNING: no PROMETHEUS_SHA256 given; checked against the release's own sha256sums.txt"
fi
echo "$sha256  $download/$name.tar.gz" | sha256sum -c --quiet -
tar -xzf "$download/$name.tar.gz" -C "$download"
mkdir -p "$install_dir"
install -m 0755 "$download/$name/prometheus" "$install_dir/prometheus.new"
mv "$install_dir/prometheus.new" "$install_dir/prometheus"
log "installed $install_dir/prometheus $version"
