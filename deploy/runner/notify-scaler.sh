#!/usr/bin/env bash
# Tells vmss-runner-scaler about this runner:
#   job-started, job-completed  the job hooks (job-started.sh, job-completed.sh), which run inside the
#                               job with `bash -e`: a failing hook fails the job and has no timeout;
#   online                      fetch-config.sh, once, when the runner first says "Listening for Jobs"
#                               (it is online at GitHub), so that the scaler sees how long registration took.
# Every notice is bounded and always succeeds: the runner and its job go on whatever the scaler says.
# The hook credential is sent from its file (curl -H @file), never on a command line.
#
# Usage: notify-scaler.sh job-started|job-completed|online
set +e

event=${1:-}
case $event in
  job-started | job-completed | online) ;;
  *)
    echo "usage: notify-scaler.sh job-started|job-completed|online" >&2
    exit 2 ;;
esac
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
  echo "vmss-runner: the scaler could not be told ($event); the runner goes on"
fi
exit 0
