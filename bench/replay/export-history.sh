#!/usr/bin/env bash
# Exports a repository's GitHub Actions job history as CSV, for the replay benchmark: the jobs of the
# workflow runs created from SINCE to UNTIL (UTC dates, both included), every attempt, one line per
# job that ran (completed, started, not skipped), sorted by queued_at:
#   id,queued_at,started_at,completed_at,labels,repository,name
# queued_at is the job's created_at; labels its runs-on labels joined with ';'.
# Usage: GITHUB_TOKEN=... export-history.sh OWNER/REPO SINCE UNTIL > jobs.csv
#
# Environment:
#   GITHUB_TOKEN    a token that may read the repository's Actions (default: GH_TOKEN): classic
#                   repo scope for a private repository, fine-grained "Actions" read
#   GITHUB_API_URL  GitHub's REST API (default: https://api.github.com); plain http only to this
#                   machine (127.0.0.1, localhost), as the token would cross the network in clear
# The token is never on a command line or in the output.
set -euo pipefail

me=export-history.sh
usage="usage: GITHUB_TOKEN=... $me OWNER/REPO SINCE UNTIL   (UTC dates YYYY-MM-DD, both included)"
bad() { printf '%s: %s\n%s\n' "$me" "$1" "$usage" >&2; exit 2; }

(($# == 3)) || bad "expected 3 arguments, got $#"
repo=$1 since=$2 until=$3
# Owner and name as GitHub allows them; never . or .., which curl would fold into another path.
[[ $repo =~ ^[A-Za-z0-9-]+/[A-Za-z0-9_.-]+$ && ${repo#*/} != . && ${repo#*/} != .. ]] || bad "not OWNER/REPO: $repo"
for day in "$since" "$until"; do
  # The round trip through date refuses days that do not exist (2026-02-30).
  [[ $day =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ && $(date -u -d "$day" +%F 2>/dev/null) == "$day" ]] ||
    bad "not a date YYYY-MM-DD: $day"
done
if [[ $until < $since ]]; then
  bad "UNTIL $until is before SINCE $since"
fi
token=${GITHUB_TOKEN:-${GH_TOKEN:-}}
[[ -n $token ]] || bad "no GITHUB_TOKEN (or GH_TOKEN)"
api=${GITHUB_API_URL:-https://api.github.com}
api=${api%/}
[[ $api =~ ^https:// || $api =~ ^http://(127\.0\.0\.1|localhost)(:[0-9]+)?(/|$) ]] ||
  bad "GITHUB_API_URL must be https:// (plain http only to 127.0.0.1 or localhost): $api"
command -v jq >/dev/null || { echo "$me: needs jq" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
headers=$work/headers
mkdir "$work/jobs"
resume_at=0 # epoch second before which GitHub's rate limit lets no request through

# The headers of the last answer that the export reads, in globals: retry, remaining, reset, and
# has_next (yes when the Link header names a next page). One awk for them all, as an export makes
# thousands of calls.
read_headers() {
  local line
  line=$(awk '{ sub(/\r$/, ""); i = index($0, ":"); if (!i) next
      name = tolower(substr($0, 1, i - 1)); value = substr($0, i + 1); sub(/^[ \t]+/, "", value); h[name] = value }
    END { printf "%s|%s|%s|%s\n", h["retry-after"], h["x-ratelimit-remaining"], h["x-ratelimit-reset"],
      (h["link"] ~ /rel="next"/ ? "yes" : "no") }' "$headers")
  IFS='|' read -r retry remaining reset has_next <<<"$line"
  [[ $reset =~ ^[0-9]+$ ]] || reset=0
}

# Sleeps until resume_at, when a rate limit set it.
wait_for_reset() {
  local now
  printf -v now '%(%s)T' -1
  if ((resume_at > now)); then
    echo "$me: GitHub's rate limit: waiting $((resume_at - now)) s" >&2
    sleep $((resume_at - now))
  fi
}

# GET $1 (path and query) into the file $2, its headers read into globals (read_headers). On a rate
# limit (403 or 429 with retry-after, or with x-ratelimit-remaining 0) it waits as GitHub's
# rate-limit guide says and asks again; any other answer but 2xx ends the export. The token goes to
# curl on its standard input.
get() {
  local path=$1 out=$2 attempt status
  for attempt in 1 2 3 4 5; do
    wait_for_reset
    : >"$headers"
    status=$(printf 'Authorization: Bearer %s\n' "$token" | curl -sS --noproxy 127.0.0.1,localhost \
      --connect-timeout 10 --max-time 60 -D "$headers" -o "$out" -w '%{http_code}' -H @- \
      -H 'Accept: application/vnd.github+json' -H 'X-GitHub-Api-Version: 2022-11-28' "$api$path") || status=000
    read_headers
    case $status in
      2??)
        # The window's last request: the next one waits for the window's reset.
        if [[ $remaining == 0 ]]; then resume_at=$((reset + 1)); fi
        return 0 ;;
      403 | 429)
        if [[ $retry =~ ^[0-9]+$ ]]; then
          echo "$me: GitHub's rate limit: waiting $retry s (retry-after)" >&2
          sleep "$retry"
          continue
        elif [[ $remaining == 0 ]]; then
          resume_at=$((reset + 1))
          continue
        fi ;;
    esac
    echo "$me: GET $path answered $status: $(head -c 300 "$out" 2>/dev/null)" >&2
    exit 1
  done
  echo "$me: GET $path was still refused by GitHub's rate limit after $attempt attempts; giving up" >&2
  exit 1
}

# Paging follows the Link header, as GitHub's pagination guide says: there is a next page while it
# has rel="next". The next page is asked for by number, not by the header's URL, so that the token
# only ever goes to $api. A run's job pages are kept as GitHub sent them and read once, at the end.
export_run() {
  local page=1
  while :; do
    get "/repos/$repo/actions/runs/$1/jobs?filter=all&per_page=100&page=$page" "$work/jobs/$1-$page.json"
    [[ $has_next == yes ]] || return 0
    page=$((page + 1))
  done
}

# One created= search a day: GitHub lists at most 1,000 runs for a search with created, so a
# day-long search keeps each one under that but for the busiest days, which are reported.
day=$since
while [[ ! $day > $until ]]; do
  page=1
  while :; do
    get "/repos/$repo/actions/runs?created=$day..$day&per_page=100&page=$page" "$work/runs.json"
    # Page 10 holds the 1,000th run: GitHub serves none after it.
    more=no
    if [[ $has_next == yes ]] && ((page < 10)); then more=yes; fi
    if ((page == 1)); then
      total=$(jq '.total_count' "$work/runs.json")
      echo "$me: $day: $total workflow runs" >&2
      if ((total > 1000)); then
        echo "$me: warning: $day has $total workflow runs, GitHub lists 1000: the export of $day is incomplete" >&2
      fi
    fi
    jq -r '.workflow_runs[].id' "$work/runs.json" >"$work/runs"
    mapfile -t runs <"$work/runs"
    for run in "${runs[@]}"; do
      export_run "$run"
    done
    [[ $more == yes ]] || break
    page=$((page + 1))
  done
  day=$(date -u -d "$day + 1 day" +%F)
done

echo 'id,queued_at,started_at,completed_at,labels,repository,name'
# The jobs that ran, each once even if GitHub's pages shifted while they were read.
find "$work/jobs" -name '*.json' -exec cat {} + |
  jq -c '.jobs[] | select(.status == "completed" and .started_at != null and .conclusion != "skipped")
    | {id, created_at, started_at, completed_at, labels, name}' |
  jq -rs --arg repo "$repo" 'unique_by(.id) | sort_by(.created_at, .id) | .[]
    | [.id, .created_at, .started_at, .completed_at, (.labels // [] | join(";")), $repo, .name] | @csv'
