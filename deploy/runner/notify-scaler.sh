#!/usr/bin/env bash
# Tells vmss-runner-scaler that this runner's job started or is completing. Called by the
# job-started / job-completed hooks, which run inside the job with `bash -e`: a failing hook
# fails the job and has no timeout, so this is bounded and always succeeds.
#
# Usage: notify-scaler.sh job-started|job-completed
set +e

event=$1
scaler_url=${VMSS_RUNNER_SCALER_URL:-}
state_dir=${VMSS_RUNNER_STATE_DIR:-/etc/vmss-runner}
runner_name=${RUNNER_NAME:-$(hostname)}

if [[ -z $scaler_url || ! -r $state_dir/hook-auth-header ]]; then
  echo "vmss-runner: not set up for the scaler; skipping the $event notice"
  exit 0
fi

# At most 3 tries of 5 s each: a few seconds added to a job at worst.
if ! curl -sS --connect-timeout 2 --max-time 5 --retry 2 --retry-delay 1 --retry-max-time 15 \
  -o /dev/null -X POST -H @"$state_dir/hook-auth-header" "$scaler_url/runners/$runner_name/$event"; then
  echo "vmss-runner: the scaler could not be told ($event); the job goes on"
fi
exit 0
