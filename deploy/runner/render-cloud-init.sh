#!/usr/bin/env bash
# Renders cloud-init.yaml for a scale set: the scaler's URL and the scripts beside this file.
# Usage: render-cloud-init.sh SCALER_URL [RUNNER_DIR] > cloud-init.rendered.yaml
set -euo pipefail

scaler_url=${1:?usage: render-cloud-init.sh SCALER_URL [RUNNER_DIR]}
runner_dir=${2:-/opt/actions-runner}
here=$(cd "$(dirname "$0")" && pwd)

b64() { base64 -w0 <"$here/$1"; }

sed -e "s|__SCALER_URL__|$scaler_url|g" \
  -e "s|__RUNNER_DIR__|$runner_dir|g" \
  -e "s|__FETCH_CONFIG_SH_B64__|$(b64 fetch-config.sh)|" \
  -e "s|__NOTIFY_SCALER_SH_B64__|$(b64 notify-scaler.sh)|" \
  -e "s|__JOB_STARTED_SH_B64__|$(b64 job-started.sh)|" \
  -e "s|__JOB_COMPLETED_SH_B64__|$(b64 job-completed.sh)|" \
  "$here/cloud-init.yaml"
