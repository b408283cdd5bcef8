#!/usr/bin/env bash
# Renders cloud-init.yaml for the scaler VM, as deploy/modules/scaler-vm.bicep does (for a check,
# or to build a scaler VM by hand).
# Usage: render-cloud-init.sh ENV_FILE ARTIFACT_URL PUBLIC_HOST ACME_EMAIL [WEBHOOK_PORT] [SERVICE_PORT] > out.yaml
#   ENV_FILE: the service's SCALER_* settings, one KEY=value a line; ARTIFACT_SHA256 from the environment.
set -euo pipefail

usage='usage: render-cloud-init.sh ENV_FILE ARTIFACT_URL PUBLIC_HOST ACME_EMAIL [WEBHOOK_PORT] [SERVICE_PORT]'
env_file=${1:?$usage}
artifact_url=${2:?$usage}
public_host=${3:?$usage}
acme_email=${4:?$usage}
webhook_port=${5:-443}
service_port=${6:-8080}
artifact_sha256=${ARTIFACT_SHA256:-}
here=$(cd "$(dirname "$0")" && pwd)

b64() { base64 -w0 <"$1"; }
# A value as a sed replacement: &, | and \ stand for themselves (a blob URL's SAS has &).
lit() { printf '%s' "$1" | sed 's/[&|\\]/\\&/g'; }

sed -e "s|__SCALER_ENV_B64__|$(b64 "$env_file")|" \
  -e "s|__SCALER_ARTIFACT_URL__|$(lit "$artifact_url")|g" \
  -e "s|__SCALER_ARTIFACT_SHA256__|$(lit "$artifact_sha256")|g" \
  -e "s|__PUBLIC_HOST__|$(lit "$public_host")|g" \
  -e "s|__ACME_EMAIL__|$(lit "$acme_email")|g" \
  -e "s|__WEBHOOK_PORT__|$webhook_port|g" \
  -e "s|__SERVICE_PORT__|$service_port|g" \
  -e "s|__INSTALL_SCALER_SH_B64__|$(b64 "$here/install-scaler.sh")|" \
  -e "s|__RUN_SCALER_SH_B64__|$(b64 "$here/run-scaler.sh")|" \
  "$here/cloud-init.yaml"
