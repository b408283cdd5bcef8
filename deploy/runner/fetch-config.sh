#!/usr/bin/env bash
# Runs once at boot of a runner VM (vmss-runner.service, as root): proves to vmss-runner-scaler
# which instance this is with Azure's attested document, fetches this instance's one-time runner
# configuration, installs the job hooks, then becomes the runner (as RUNNER_USER). The runner's
# output passes through a reader that tells the scaler once, at the first "Listening for Jobs", that
# the runner is online at GitHub (POST $SCALER_URL/runners/$RUNNER_NAME/online, notify-scaler.sh).
#
# The proof, so that no other machine of the runner network (a job on a sibling runner) can take
# this VM's configuration:
#   1. POST $SCALER_URL/runners/$RUNNER_NAME/nonce -> NONCE=... and EXPIRES_AT=... lines;
#   2. GET $IMDS_URL/metadata/attested/document?...&nonce=NONCE -> JSON signed by Azure;
#   3. POST $SCALER_URL/runners/$RUNNER_NAME/jitconfig with that JSON, byte for byte.
# The scaler consumes a nonce when it checks the document: every try of step 3 has a new nonce
# and document. A 404 naming attestation-off on step 1: the scaler trusts the network alone, and
# step 3 goes without a body.
#
# Environment:
#   SCALER_URL          base URL of the scaler, e.g. http://10.0.0.4:8080 (required)
#   RUNNER_NAME         runner name; the computer name the scale set gave the VM (default: hostname)
#   RUNNER_DIR          where the GitHub Actions runner is installed (default: /opt/actions-runner)
#   RUNNER_USER         user the runner runs as, when not the current one (default: the current one)
#   HOOKS_DIR           where the hook scripts are (default: the directory of this script)
#   STATE_DIR           where the hook credential is kept (default: /etc/vmss-runner)
#   ATTEMPTS            how often to try while the scaler does not know the VM yet (default: 60)
#   RETRY_SECONDS       pause between attempts (default: 5)
#   NONCE_RENEWALS      how often a nonce the scaler calls expired or unknown is replaced (default: 3)
#   IMDS_URL            the instance metadata service (default: http://169.254.169.254)
#   IMDS_ATTEMPTS       how often to ask it for the attested document (default: 5)
#   IMDS_RETRY_SECONDS  pause between those (default: 2)
set -euo pipefail

scaler_url=${SCALER_URL:?SCALER_URL is required}
runner_name=${RUNNER_NAME:-$(hostname)}
runner_dir=${RUNNER_DIR:-/opt/actions-runner}
runner_user=${RUNNER_USER:-}
hooks_dir=${HOOKS_DIR:-$(cd "$(dirname "$0")" && pwd)}
state_dir=${STATE_DIR:-/etc/vmss-runner}
attempts=${ATTEMPTS:-60}
retry_seconds=${RETRY_SECONDS:-5}
nonce_renewals=${NONCE_RENEWALS:-3}
imds_url=${IMDS_URL:-http://169.254.169.254}
imds_attempts=${IMDS_ATTEMPTS:-5}
imds_retry_seconds=${IMDS_RETRY_SECONDS:-2}

log() { echo "vmss-runner: $*" >&2; }

# The scaler's answers and the attested document, readable by root alone, gone on exit.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
answer=$work/answer
document=$work/attested-document.json
(umask 077 && : >"$answer" && : >"$document")

# POST to the scaler's runner endpoint $1 (more curl arguments after it): the body in $answer,
# the HTTP status in $status (000: not reachable).
post() {
  local endpoint=$1
  shift
  status=$(curl -sS --connect-timeout 5 --max-time 20 -o "$answer" -w '%{http_code}' -X POST \
    -H 'Accept: text/plain' "$@" "$scaler_url/runners/$runner_name/$endpoint") || status=000
}

# The runner's standard output, passed on line by line. At the first "Listening for Jobs" (the runner
# is connected to GitHub and waits for a job) the scaler is told, once and in the background, so that
# the output never waits on it. The runner stays this service's main process (exec below): its exit
# status and systemd's signals are its own. This reader never stops reading before its input ends,
# so the runner never gets SIGPIPE, and it ignores SIGTERM (systemd sends it to the whole unit on
# stop): it ends with the runner's last line, which is kept.
pass_runner_output() {
  set +e
  trap '' TERM
  local line told=no
  while IFS= read -r line || [[ -n $line ]]; do
    printf '%s\n' "$line"
    if [[ $told == no && $line == *"Listening for Jobs"* ]]; then
      told=yes
      VMSS_RUNNER_SCALER_URL=$scaler_url VMSS_RUNNER_STATE_DIR=$state_dir RUNNER_NAME=$runner_name \
        "$hooks_dir/notify-scaler.sh" online &
    fi
  done
}

# Why the scaler refused: the start of its answer (refusals never hold a secret).
reason() { head -c 500 "$answer" | tr '\n' ' '; }

# The attested document for nonce $1 into $document; a few quick tries. Never through a proxy.
fetch_document() {
  local try imds_status=000
  for ((try = 1; try <= imds_attempts; try++)); do
    imds_status=$(curl -sS --noproxy '*' --connect-timeout 2 --max-time 10 -o "$document" -w '%{http_code}' \
      -H 'Metadata: true' "$imds_url/metadata/attested/document?api-version=2020-09-01&nonce=$1") || imds_status=000
    if [[ $imds_status == 200 ]] && grep -qF '"signature"' "$document"; then
      return 0
    fi
    log "attested document, try $try of $imds_attempts: the instance metadata service answered $imds_status"
    if ((try < imds_attempts)); then
      sleep "$imds_retry_seconds"
    fi
  done
  log "no attested document from the instance metadata service at $imds_url after $imds_attempts tries (last answer $imds_status):" \
    "this VM cannot prove which instance it is; giving up (root must reach 169.254.169.254 directly, without a proxy)"
  return 1
}

# Refused for good: the reason, and no retry.
refused() {
  log "scaler refused $1 ($status): $(reason)"
  exit 1
}

# 404: not listed yet; 429 / 5xx: overloaded or GitHub failed; 000: not reachable. All worth a
# retry, after a pause and with a new nonce. A nonce the scaler calls expired or unknown (a 401):
# a new one at once, a few times.
status=000
renewed=0
pause=no
for ((attempt = 1; attempt <= attempts; attempt++)); do
  if [[ $pause == yes ]]; then
    sleep "$retry_seconds"
  fi
  pause=yes

  # 1. A nonce; or none, when the scaler does not check documents.
  post nonce
  case $status in
    200) attested=yes ;;
    404 | 429 | 5?? | 000)
      if [[ $status == 404 ]] && grep -qF attestation-off "$answer"; then
        attested=no
      else
        log "attempt $attempt: scaler answered $status to the nonce; retrying in ${retry_seconds}s"
        continue
      fi ;;
    *) refused "a nonce" ;;
  esac

  if [[ $attested == yes ]]; then
    # KEY=value lines; read, never evaluated.
    nonce='' expires_at=''
    while IFS='=' read -r key value; do
      case $key in
        NONCE) nonce=${value%$'\r'} ;;
        EXPIRES_AT) expires_at=${value%$'\r'} ;;
      esac
    done <"$answer"
    if [[ ! $nonce =~ ^[A-Za-z0-9]{32}$ ]]; then
      log "the scaler's nonce answer holds no NONCE of 32 letters and digits: $(reason)"
      exit 1
    fi
    # 2. Azure's signed statement of which VM this is, with that nonce in it.
    fetch_document "$nonce" || exit 1
    # 3. The configuration, for that document byte for byte.
    post jitconfig -H 'Content-Type: application/json' --data-binary "@$document"
  else
    log "the scaler does not check attested documents (attestation-off): asking for the configuration without one"
    post jitconfig
  fi

  case $status in
    200) break ;;
    401)
      if ((renewed < nonce_renewals)) && grep -qE 'nonce-(expired|unknown)' "$answer"; then
        renewed=$((renewed + 1))
        log "attempt $attempt: the nonce (valid until ${expires_at:-?}) is spent: $(reason); a new one ($renewed of $nonce_renewals)"
        pause=no
      else
        refused "the configuration"
      fi ;;
    403) refused "the configuration" ;;
    404 | 429 | 5?? | 000) log "attempt $attempt: scaler answered $status; retrying in ${retry_seconds}s" ;;
    *) refused "the configuration" ;;
  esac
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

# Read: the answers go now (exec below ends this shell without its EXIT trap).
rm -rf "$work"
trap - EXIT

# The runner runs as RUNNER_USER when that is not who runs this script (root at boot).
as_runner=()
if [[ -n $runner_user && $runner_user != "$(id -un)" ]]; then
  as_runner=(runuser -u "$runner_user" --)
fi

# The hooks send this header; kept in a file so that the token never appears in a process list.
mkdir -p "$state_dir"
(umask 077 && printf 'Authorization: Bearer %s\n' "$hook_token" >"$state_dir/hook-auth-header")
if ((${#as_runner[@]})); then
  chown "$runner_user:" "$state_dir" "$state_dir/hook-auth-header"
fi

# The runner reads .env at start: hooks, and what they need to reach the scaler.
cat >>"$runner_dir/.env" <<ENV
ACTIONS_RUNNER_HOOK_JOB_STARTED=$hooks_dir/job-started.sh
ACTIONS_RUNNER_HOOK_JOB_COMPLETED=$hooks_dir/job-completed.sh
VMSS_RUNNER_SCALER_URL=$scaler_url
VMSS_RUNNER_STATE_DIR=$state_dir
ENV

cd "$runner_dir"
if [[ -z $jit_config ]]; then
  log "registering ephemeral runner $runner_name"
  "${as_runner[@]}" ./config.sh --unattended --ephemeral --replace --name "$runner_name" --url "$runner_url" \
    --token "$registration_token" --labels "$runner_labels"
fi
log "starting runner $runner_name"
# From here on this shell's standard output goes through the reader; exec hands it to the runner.
exec > >(pass_runner_output)
if [[ -n $jit_config ]]; then
  exec "${as_runner[@]}" ./run.sh --jitconfig "$jit_config"
fi
exec "${as_runner[@]}" ./run.sh
