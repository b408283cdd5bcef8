#!/usr/bin/env bash
# ExecStart of vmss-scaler-metrics-token.service (root): puts the operator token, a Key Vault secret,
# where the metrics agent (vmss-scaler-metrics.service) takes it from, and restarts that agent when the
# token changed. The token and the access token for Key Vault pass through files and pipes only, never
# a command line, an environment variable or the log.
#   1. GET $IMDS_URL/metadata/identity/oauth2/token (resource https://vault.azure.net, the scaler's
#      identity) -> an access token, kept as an "Authorization: Bearer ..." header file (curl -H @file);
#   2. GET <vault>/secrets/<operator-token secret> -> its value, into TOKEN_FILE (0600) when it differs.
# A secret not set yet (404) leaves an empty file: the agent starts, its scrapes are refused (401) until
# the token is there, and the next run (the timer) brings it.
#
# Environment (scaler.env, as the service reads them):
#   SCALER_AZURE_KEY_VAULT_URL, SCALER_AZURE_CLIENT_ID        the vault, the scaler's identity (required)
#   SCALER_AZURE_KEY_VAULT_OPERATOR_TOKEN_SECRET             the secret's name (default: operator-token)
#   IMDS_URL, TOKEN_FILE, SYSTEMCTL                           for tests: the metadata service
#                                                             (default http://169.254.169.254), the file
#                                                             (default /etc/vmss-runner-scaler/metrics/operator-token),
#                                                             a stand-in for systemctl
set -euo pipefail

vault_url=${SCALER_AZURE_KEY_VAULT_URL:?SCALER_AZURE_KEY_VAULT_URL is required}
client_id=${SCALER_AZURE_CLIENT_ID:?SCALER_AZURE_CLIENT_ID is required}
secret_name=${SCALER_AZURE_KEY_VAULT_OPERATOR_TOKEN_SECRET:-operator-token}
imds_url=${IMDS_URL:-http://169.254.169.254}
token_file=${TOKEN_FILE:-/etc/vmss-runner-scaler/metrics/operator-token}
systemctl=${SYSTEMCTL:-systemctl}

log() { echo "metrics-token: $*" >&2; }

# A string field of the JSON object on standard input, to standard output (nothing when absent).
field() {
  python3 -c 'import json, sys
value = json.load(sys.stdin).get(sys.argv[1])
sys.stdout.write(value if isinstance(value, str) else "")' "$1"
}

umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. An access token for Key Vault; the metadata service never through a proxy.
status=$(curl -sS --noproxy '*' --connect-timeout 2 --max-time 10 -o "$work/identity.json" -w '%{http_code}' \
  -H 'Metadata: true' \
  "$imds_url/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net&client_id=$client_id") \
  || status=000
if [[ $status != 200 ]]; then
  log "no access token for Key Vault from the instance metadata service (answer $status); trying again at the next run"
  exit 1
fi
{
  printf 'Authorization: Bearer '
  field access_token <"$work/identity.json"
  printf '\n'
} >"$work/auth-header"

# 2. The secret.
status=$(curl -sS --connect-timeout 5 --max-time 20 -o "$work/secret.json" -w '%{http_code}' \
  -H @"$work/auth-header" "${vault_url%/}/secrets/$secret_name?api-version=7.4") || status=000
case $status in
  200) field value <"$work/secret.json" >"$work/token" ;;
  404)
    log "the secret $secret_name is not in Key Vault yet: the metrics scrape is refused until it is (deploy/README.md, step 5)"
    if [[ ! -e $token_file ]]; then
      mkdir -p "$(dirname "$token_file")"
      : >"$token_file"
    fi
    exit 0 ;;
  *)
    # Key Vault's refusals name the reason and never hold a secret
    log "Key Vault answered $status for the secret $secret_name: $(head -c 300 "$work/secret.json" | tr '\n' ' ')"
    exit 1 ;;
esac
if [[ ! -s $work/token ]]; then
  log "the secret $secret_name has no value"
  exit 1
fi
if cmp -s "$work/token" "$token_file"; then
  exit 0
fi
mkdir -p "$(dirname "$token_file")"
cp "$work/token" "$token_file.new"
chmod 0600 "$token_file.new"
mv "$token_file.new" "$token_file"
log "operator token updated; restarting vmss-scaler-metrics.service if it runs"
"$systemctl" try-restart vmss-scaler-metrics.service
