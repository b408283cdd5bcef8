#!/usr/bin/env bash
# Runs once at boot of a runner VM (vmss-runner.service): fetches this instance's one-time runner
# configuration from vmss-runner-scaler, installs the job hooks, then becomes the runner.
#
# Environment:
#   SCALER_URL      base URL of the scaler, e.g. http://10.0.0.4:8080 (required)
#   RUNNER_NAME     runner name; the computer name the scale set gave the VM (default: hostname)
#   RUNNER_DIR      where the GitHub Actions runner is installed (default: /opt/actions-runner)
#   HOOKS_DIR       where the hook scripts are (default: the directory of this script)
#   STATE_DIR       where the hook credential is kept (default: /etc/vmss-runner)
#   ATTEMPTS        how often to ask while the scaler does not know the VM yet (default: 60)
#   RETRY_SECONDS   pause between attempts (default: 5)
set -euo pipefail

scaler_url=${SCALER_URL:?SCALER_URL is required}
runner_name=${RUNNER_NAME:-$(hostname)}
runner_dir=${RUNNER_DIR:-/opt/actions-runner}
hooks_dir=${HOOKS_DIR:-$(cd "$(dirname "$0")" && pwd)}
state_dir=${STATE_DIR:-/etc/vmss-runner}
attempts=${ATTEMPTS:-60}
retry_seconds=${RETRY_SECONDS:-5}

log() { echo "vmss-runner: $*" >&2; }

answer=$(mktemp)
trap 'rm -f "$answer"' EXIT

# 404: not listed yet; 503: overloaded or GitHub failed; 000: not reachable. All worth a retry.
status=000
for ((attempt = 1; attempt <= attempts; attempt++)); do
  status=$(curl -sS --connect-timeout 5 --max-time 20 -o "$answer" -w '%{http_code}' -X POST \
    -H 'Accept: text/plain' "$scaler_url/runners/$runner_name/jitconfig") || status=000
  case $status in
    200) break ;;
    404 | 429 | 5?? | 000) log "attempt $attempt: scaler answered $status; retrying in ${retry_seconds}s" ;;
    *) log "scaler refused the configuration ($status): $(head -c 500 "$answer")"; exit 1 ;;
  esac
  sleep "$retry_seconds"
done
if [[ $status != 200 ]]; then
  log "no configuration after $attempts attempts; giving up (the scaler replaces this VM after its boot timeout)"
  exit 1
fi

# KEY=value lines; read, never evaluated.
jit_config='' hook_token='' registration_token='' runner_url='' runner_labels=''
while IFS='=' read -r key value; do
  case $key in
    ENCODED_JIT_CONFIG) jit_config=$value ;;
    HOOK_TOKEN) hook_token=$value ;;
    REGISTRATION_TOKEN) registration_token=$value ;;
    RUNNER_URL) runner_url=$value ;;
    RUNNER_LABELS) runner_labels=$value ;;
  esac
done <"$answer"

# Read: the answer goes now (exec below ends this shell without its EXIT trap).
rm -f "$answer"
trap - EXIT

# The hooks send this header; kept in a file so that the token never appears in a process list.
mkdir -p "$state_dir"
(umask 077 && printf 'Authorization: Bearer %s\n' "$hook_token" >"$state_dir/hook-auth-header")

# The runner reads .env at start: hooks, and what they need to reach the scaler.
cat >>"$runner_dir/.env" <<ENV
ACTIONS_RUNNER_HOOK_JOB_STARTED=$hooks_dir/job-started.sh
ACTIONS_RUNNER_HOOK_JOB_COMPLETED=$hooks_dir/job-completed.sh
VMSS_RUNNER_SCALER_URL=$scaler_url
VMSS_RUNNER_STATE_DIR=$state_dir
ENV

cd "$runner_dir"
if [[ -n $jit_config ]]; then
  log "starting JIT runner $runner_name"
  exec ./run.sh --jitconfig "$jit_config"
fi
log "registering ephemeral runner $runner_name"
./config.sh --unattended --ephemeral --replace --name "$runner_name" --url "$runner_url" \
  --token "$registration_token" --labels "$runner_labels"
exec ./run.sh
