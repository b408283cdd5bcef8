#!/usr/bin/env bash
# Renders cloud-init.yaml for a scale set: the scaler's URL and the scripts beside this file.
# Usage: render-cloud-init.sh SCALER_URL [RUNNER_DIR] > cloud-init.rendered.yaml
# The runner downloaded when the image has none: RUNNER_VERSION and RUNNER_SHA256 in the
# environment, defaults below (the same as the Bicep's runnerVersion / runnerSha256 defaults).
# RUNNER_IMDS_ACCESS in the environment: blocked (default) cuts the runner user, and so every job,
# off from the instance metadata service (169.254.169.254); allowed keeps it reachable, for jobs
# that use a managed identity of the scale set (see deploy/README.md, "Attestation").
set -euo pipefail

default_runner_version=2.330.0
default_runner_sha256=af5c33fa94f3cc33b8e97937939136a6b04197e6dadfcfb3b6e33ae1bf41e79a

scaler_url=${1:?usage: render-cloud-init.sh SCALER_URL [RUNNER_DIR]}
runner_dir=${2:-/opt/actions-runner}
here=$(cd "$(dirname "$0")" && pwd)
runner_version=${RUNNER_VERSION:-$default_runner_version}
runner_sha256=${RUNNER_SHA256:-$default_runner_sha256}
imds_access=${RUNNER_IMDS_ACCESS:-blocked}

# allowed: without the unit's line that rejects the runner user's traffic to the metadata service
case $imds_access in
  blocked) keep_imds_access='' ;;
  allowed) keep_imds_access='/^ *ExecStartPre=.*--uid-owner runner /d' ;;
  *) echo "RUNNER_IMDS_ACCESS must be blocked or allowed, not '$imds_access'" >&2; exit 2 ;;
esac

b64() { base64 -w0 <"$here/$1"; }

sed -e "$keep_imds_access" \
  -e "s|__SCALER_URL__|$scaler_url|g" \
  -e "s|__RUNNER_DIR__|$runner_dir|g" \
  -e "s|__RUNNER_VERSION__|$runner_version|g" \
  -e "s|__RUNNER_SHA256__|$runner_sha256|g" \
  -e "s|__FETCH_CONFIG_SH_B64__|$(b64 fetch-config.sh)|" \
  -e "s|__NOTIFY_SCALER_SH_B64__|$(b64 notify-scaler.sh)|" \
  -e "s|__JOB_STARTED_SH_B64__|$(b64 job-started.sh)|" \
  -e "s|__JOB_COMPLETED_SH_B64__|$(b64 job-completed.sh)|" \
  -e "s|__INSTALL_RUNNER_SH_B64__|$(b64 install-runner.sh)|" \
  -e "s|__WATCH_EVICTIONS_SH_B64__|$(b64 watch-evictions.sh)|" \
  "$here/cloud-init.yaml"
