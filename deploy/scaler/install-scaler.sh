#!/usr/bin/env bash
# Installs (or upgrades) vmss-runner-scaler on the scaler VM; run by cloud-init as root, and again
# by hand for an upgrade. The artifact is either
#   - the native binary (the default: ./mvnw package -Dnative, attached to a GitHub release), or
#   - the JVM build, a .tar.gz of target/quarkus-app (the fallback): a Java runtime is installed
#     from the distribution when none is there, and run-scaler.sh uses an AOT cache on JDK 25+.
#
# Environment:
#   SCALER_ARTIFACT_URL     where to download it (a GitHub release asset or a storage blob URL) (required)
#   SCALER_ARTIFACT_SHA256  its SHA-256; empty: not checked (a warning is logged)
#   INSTALL_DIR             default /opt/vmss-runner-scaler
#   STATE_DIR               the service's state directory (its AOT cache), default /var/lib/vmss-runner-scaler
#   JAVA_PACKAGE            runtime for the JVM build, default openjdk-21-jre-headless
set -euo pipefail

url=${SCALER_ARTIFACT_URL:?SCALER_ARTIFACT_URL is required}
sha256=${SCALER_ARTIFACT_SHA256:-}
install_dir=${INSTALL_DIR:-/opt/vmss-runner-scaler}
state_dir=${STATE_DIR:-/var/lib/vmss-runner-scaler}
java_package=${JAVA_PACKAGE:-openjdk-21-jre-headless}

log() { echo "vmss-runner-scaler install: $*" >&2; }

download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
log "downloading ${url%%\?*}"
curl -fsSL --retry 5 --retry-delay 5 --max-time 600 -o "$download/artifact" "$url"
if [[ -n $sha256 ]]; then
  echo "$sha256  $download/artifact" | sha256sum -c --quiet -
else
  log "WARNING: no SCALER_ARTIFACT_SHA256 given; the download is not checked"
fi

mkdir -p "$install_dir"
rm -rf "$install_dir/app" "$install_dir/vmss-runner-scaler" "$state_dir/app.aot"
if gzip -t "$download/artifact" 2>/dev/null; then
  log "JVM build: unpacking into $install_dir/app"
  mkdir -p "$install_dir/app"
  tar -xzf "$download/artifact" -C "$install_dir/app" --strip-components=1
  if ! command -v java >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$java_package" \
      || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$java_package"; }
  fi
else
  log "native build: installing $install_dir/vmss-runner-scaler"
  install -m 0755 "$download/artifact" "$install_dir/vmss-runner-scaler"
fi
if [[ $(id -u) == 0 ]]; then
  chown -R root:root "$install_dir"
fi
