#!/usr/bin/env bash
# Prints the id of the repository or organisation webhook that delivers workflow_job to
# WEBHOOK_URL: main.bicep's githubHookId (scaler.github.hook-id), with which the scaler lists the
# failed deliveries and has GitHub deliver them again (GitHub never does on its own).
#   find    the id of the hook of SCOPE whose URL is WEBHOOK_URL; nothing when there is none
#   ensure  that, or a new hook (name web, events workflow_job, content type json, the secret
#           WEBHOOK_SECRET, TLS verified); GitHub then sends it a ping
# Usage: github-webhook.sh find|ensure SCOPE WEBHOOK_URL   (SCOPE: owner/name or an organisation)
#
# Environment:
#   GITHUB_ADMIN_TOKEN  a token that may manage the webhooks (default: GH_TOKEN): classic
#                       admin:repo_hook (repository) or admin:org_hook (organisation); fine-grained
#                       "Webhooks" (repository) or "Webhooks" of the organisation, read and write
#   GITHUB_API_URL      GitHub's REST API (default: https://api.github.com)
#   WEBHOOK_SECRET      the webhook secret (ensure, when it creates the hook)
# Neither the token nor the secret is ever on a command line or in the output.
set -euo pipefail

usage="usage: github-webhook.sh find|ensure SCOPE WEBHOOK_URL"
mode=${1:?$usage}
scope=${2:?$usage}
url=${3:?$usage}
case $mode in find | ensure) ;; *) echo "$usage" >&2; exit 2 ;; esac
api=${GITHUB_API_URL:-https://api.github.com}
token=${GITHUB_ADMIN_TOKEN:-${GH_TOKEN:-}}
if [[ -z $token ]]; then
  echo "github-webhook.sh: no GITHUB_ADMIN_TOKEN (or GH_TOKEN)" >&2
  exit 2
fi
command -v jq >/dev/null || { echo "github-webhook.sh: needs jq" >&2; exit 2; }
case $scope in
  */*) hooks="$api/repos/$scope/hooks" ;;
  *) hooks="$api/orgs/$scope/hooks" ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
answer=$work/answer

# GitHub call: method $1, URL $2, more curl arguments; the answer in $answer, the status printed.
# The token goes to curl on its standard input.
call() {
  local method=$1 target=$2
  shift 2
  printf 'Authorization: Bearer %s\n' "$token" | curl -sS --connect-timeout 10 --max-time 30 -o "$answer" \
    -w '%{http_code}' -X "$method" -H @- -H 'Accept: application/vnd.github+json' \
    -H 'X-GitHub-Api-Version: 2022-11-28' "$@" "$target" || echo 000
}

# A repository or organisation has at most 20 webhooks for an event: one page holds them all.
status=$(call GET "$hooks?per_page=100")
if [[ $status != 200 ]]; then
  echo "github-webhook.sh: listing the webhooks of $scope answered $status: $(head -c 300 "$answer")" >&2
  exit 1
fi
id=$(jq -r --arg url "$url" '[.[] | select(.config.url == $url)][0].id // empty' "$answer")
if [[ -n $id ]]; then
  echo "github-webhook.sh: webhook $id of $scope delivers to $url" >&2
  echo "$id"
  exit 0
fi
if [[ $mode == find ]]; then
  exit 0
fi
if [[ -z ${WEBHOOK_SECRET:-} ]]; then
  echo "github-webhook.sh: $scope has no webhook for $url, and without WEBHOOK_SECRET none is created" >&2
  exit 1
fi
body=$work/body
(umask 077 && jq -n --arg url "$url" '{name: "web", active: true, events: ["workflow_job"],
  config: {url: $url, content_type: "json", secret: env.WEBHOOK_SECRET, insecure_ssl: "0"}}' >"$body")
status=$(call POST "$hooks" -H 'Content-Type: application/json' --data-binary "@$body")
if [[ $status != 201 ]]; then
  echo "github-webhook.sh: creating the webhook of $scope answered $status: $(head -c 300 "$answer")" >&2
  exit 1
fi
id=$(jq -r '.id' "$answer")
echo "github-webhook.sh: created webhook $id of $scope for $url (workflow_job)" >&2
echo "$id"
