#!/usr/bin/env bash
# ACTIONS_RUNNER_HOOK_JOB_STARTED: tell the scaler this runner is busy. Never fails the job.
"$(dirname "$0")/notify-scaler.sh" job-started || true
