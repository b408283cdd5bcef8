#!/usr/bin/env bash
# ACTIONS_RUNNER_HOOK_JOB_COMPLETED: tell the scaler the job is completing. The scaler does not
# recycle the VM on this alone: the runner still has to report the job to GitHub.
"$(dirname "$0")/notify-scaler.sh" job-completed || true
