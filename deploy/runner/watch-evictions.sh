#!/usr/bin/env bash
# Runs on a runner VM as root (vmss-runner-evictions.service): watches Azure's Scheduled Events for
# the end of this VM - a Spot eviction ("Preempt", about 30 s notice) or a deletion ("Terminate") -
# and tells vmss-runner-scaler at once, so that it replaces the capacity and records the runner's
# job as lost instead of waiting for the runner to go offline. Then it approves the event to Azure
# (a StartRequest), so that the VM goes without waiting for the rest of the notice.
#
# The order is the point: the scaler hears first; Azure is approved only after the scaler answered
# (any HTTP answer: 2xx, or a 4xx with its reason) or after a deadline, whichever comes first. The
# deadline is NOTICE_SECONDS, or less when the event's NotBefore is nearer (NotBefore minus
# NOTBEFORE_MARGIN_SECONDS): Azure starts the event at NotBefore anyway, approved or not. An event
# that names other VMs too is reported but not approved: approving starts it for all of them,
# before their own watchers told the scaler. Freeze, Reboot and Redeploy are logged, never reported
# nor approved. Each event is reported once (the ids handled are kept in WATCH_STATE_DIR).
#
# Wire format: Microsoft's "Azure Metadata Service: Scheduled Events for Linux VMs" (api-version
# 2020-07-01); a scale-set VM finds itself in an event's Resources by the name IMDS reports as
# compute/name ("{scale-set-name}_{instance-id}", Microsoft's "Terminate notification for Azure
# Virtual Machine Scale Set instances"). JSON is read and written with python3, which every image
# that runs cloud-init has.
#
# Usage: watch-evictions.sh [--once]   (--once: one poll and its handling, then exit; for tests)
#
# Environment:
#   VMSS_RUNNER_SCALER_URL   base URL of the scaler (default: SCALER_URL, as /etc/vmss-runner/scaler.env sets it)
#   VMSS_RUNNER_STATE_DIR    where fetch-config.sh keeps hook-auth-header (default: STATE_DIR, else /etc/vmss-runner)
#   WATCH_STATE_DIR          where the ids of handled events are kept, root's alone (default:
#                            STATE_DIRECTORY as systemd sets it, else /var/lib/vmss-runner-evictions)
#   RUNNER_NAME              runner name; the VM's computer name (default: hostname)
#   IMDS_URL                 the instance metadata service (default: http://169.254.169.254)
#   POLL_SECONDS             pause between polls (default: 2)
#   NOTICE_SECONDS           longest wait for the scaler's answer before approving (default: 20)
#   NOTBEFORE_MARGIN_SECONDS approve this long before NotBefore at the latest (default: 5)
#   RETRY_SECONDS            pause between tries to reach the scaler (default: 1)
set -uo pipefail

once=no
case ${1:-} in
  --once) once=yes ;;
  '') ;;
  *) echo "usage: watch-evictions.sh [--once]" >&2; exit 2 ;;
esac

scaler_url=${VMSS_RUNNER_SCALER_URL:-${SCALER_URL:-}}
state_dir=${VMSS_RUNNER_STATE_DIR:-${STATE_DIR:-/etc/vmss-runner}}
watch_state_dir=${WATCH_STATE_DIR:-${STATE_DIRECTORY:-/var/lib/vmss-runner-evictions}}
runner_name=${RUNNER_NAME:-$(hostname)}
imds_url=${IMDS_URL:-http://169.254.169.254}
poll_seconds=${POLL_SECONDS:-2}
notice_seconds=${NOTICE_SECONDS:-20}
margin_seconds=${NOTBEFORE_MARGIN_SECONDS:-5}
retry_seconds=${RETRY_SECONDS:-1}
events_api="$imds_url/metadata/scheduledevents?api-version=2020-07-01"

log() { echo "vmss-runner-evictions: $*" >&2; }

if [[ -z $scaler_url ]]; then
  log "no scaler URL (VMSS_RUNNER_SCALER_URL or SCALER_URL); nothing to tell"
  exit 2
fi
mkdir -p "$watch_state_dir" && chmod 0700 "$watch_state_dir" || exit 1
handled=$watch_state_dir/handled-events
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
events=$work/events.json
answer=$work/answer

vm_name=''
declare -A logged=()
imds_down=no

# This VM's name as Scheduled Events' Resources hold it; empty until IMDS answers.
find_vm_name() {
  local name
  name=$(curl -sS --noproxy '*' --connect-timeout 2 --max-time 10 -f -H 'Metadata: true' \
    "$imds_url/metadata/instance/compute/name?api-version=2021-02-01&format=text") || return 1
  if [[ ! $name =~ ^[A-Za-z0-9._-]{1,80}$ ]]; then
    log "the instance metadata service gave no usable VM name"
    return 1
  fi
  vm_name=$name
  log "watching Azure's scheduled events for $vm_name (runner $runner_name)"
}

# Once per id and process: what is not acted on is still worth one line in the journal.
log_once() {
  if [[ -z ${logged[$1]:-} ]]; then
    logged[$1]=1
    log "$2"
  fi
}

# Lines "id<TAB>type<TAB>status<TAB>mine<TAB>only-mine<TAB>seconds-to-NotBefore<TAB>notice JSON" of
# $events; seconds empty when NotBefore is empty or unreadable. Nothing but the checked id and type
# and python's own JSON ever reaches the shell.
parse_events() {
  python3 - "$events" "$vm_name" <<'PY'
import json, re, sys, time
from email.utils import parsedate_to_datetime
doc = json.load(open(sys.argv[1], encoding="utf-8"))
me = sys.argv[2]
for e in doc.get("Events") or []:
    event_id = str(e.get("EventId", ""))
    kind = str(e.get("EventType", ""))
    if not re.fullmatch(r"[A-Za-z0-9-]{1,64}", event_id) or not re.fullmatch(r"[A-Za-z]{1,20}", kind):
        continue
    resources = [str(r) for r in e.get("Resources") or []]
    not_before = str(e.get("NotBefore") or "")
    seconds = ""
    if not_before:
        try:
            seconds = str(int(parsedate_to_datetime(not_before).timestamp() - time.time()))
        except (TypeError, ValueError):
            pass
    status = "Started" if e.get("EventStatus") == "Started" else "Scheduled"
    notice = json.dumps({"eventId": event_id, "eventType": kind, "notBefore": not_before}, separators=(",", ":"))
    print("\t".join([event_id, kind, status, "yes" if me in resources else "no",
                     "yes" if resources == [me] else "no", seconds, notice]))
PY
}

# The hook credential fetch-config.sh wrote, only when it is one line of the expected form (the
# directory belongs to the runner user: never follow a link, never send anything else).
hook_header() {
  local file=$state_dir/hook-auth-header line
  [[ -f $file && ! -L $file ]] || return 1
  IFS= read -r line <"$file" || [[ -n $line ]] || return 1
  [[ $line =~ ^Authorization:\ Bearer\ [A-Za-z0-9._~+/=-]+$ ]] || return 1
  printf '%s\n' "$line"
}

# Tells the scaler about event $1 (notice JSON $2) until it answers or $3 seconds passed.
tell_scaler() {
  local event_id=$1 notice=$2 budget=$3 started=$SECONDS status header left max_time
  if ! header=$(hook_header); then
    log "event $event_id: no hook credential yet (the runner was never configured); the scaler is not told"
    return 0
  fi
  while :; do
    left=$((budget - (SECONDS - started)))
    max_time=$((left < 2 ? 2 : (left > 5 ? 5 : left)))
    # the header from stdin: the token never shows in a process list or a log
    status=$(printf '%s\n' "$header" | curl -sS --connect-timeout 2 --max-time "$max_time" \
      -o "$answer" -w '%{http_code}' -X POST -H @- -H 'Content-Type: application/json' \
      --data-binary "$notice" "$scaler_url/runners/$runner_name/evicted" 2>/dev/null) || status=000
    case $status in
      2??)
        log "event $event_id: the scaler took the notice ($status)"
        return 0 ;;
      4??)
        log "event $event_id: the scaler refused the notice ($status): $(head -c 300 "$answer" | tr -d '\n')"
        return 0 ;;
    esac
    if ((SECONDS - started + retry_seconds >= budget)); then
      log "event $event_id: the scaler did not answer (last: $status) within ${budget}s; going on without it"
      return 1
    fi
    sleep "$retry_seconds"
  done
}

# Approves event $1 to Azure: it may start now. A few quick tries; Azure starts it at NotBefore anyway.
approve() {
  local event_id=$1 try status
  for try in 1 2 3; do
    status=$(curl -sS --noproxy '*' --connect-timeout 2 --max-time 5 -o /dev/null -w '%{http_code}' -X POST \
      -H 'Metadata: true' -H 'Content-Type: application/json' \
      --data-binary "{\"StartRequests\":[{\"EventId\":\"$event_id\"}]}" "$events_api") || status=000
    if [[ $status == 200 ]]; then
      log "event $event_id: approved"
      return 0
    fi
    log "event $event_id: approval try $try answered $status"
    [[ $status == 4?? ]] && return 1
    ((try < 3)) && sleep 1
  done
  return 1
}

# Reports and approves event $1 of type $2 (status $3; only this VM: $4; seconds to NotBefore: $5).
handle() {
  local event_id=$1 kind=$2 status=$3 alone=$4 seconds=$5 notice=$6 budget=$notice_seconds
  if [[ -n $seconds ]] && ((seconds - margin_seconds < budget)); then
    budget=$((seconds - margin_seconds))
  fi
  ((budget < 1)) && budget=1
  log "event $event_id: $kind of this VM ($status, NotBefore in ${seconds:-?}s); telling the scaler"
  tell_scaler "$event_id" "$notice" "$budget"
  # remembered before the approval: a restart must not report it again
  echo "$event_id" >>"$handled"
  if [[ $status == Started ]]; then
    return 0
  fi
  if [[ $alone != yes ]]; then
    log "event $event_id names other VMs too: not approved (Azure starts it at NotBefore)"
    return 0
  fi
  approve "$event_id"
}

poll() {
  local status event_id kind estatus mine alone seconds notice
  if [[ -z $vm_name ]] && ! find_vm_name; then
    log "the instance metadata service did not name this VM; trying again"
    return 1
  fi
  status=$(curl -sS --noproxy '*' --connect-timeout 2 --max-time 10 -o "$events" -w '%{http_code}' \
    -H 'Metadata: true' "$events_api" 2>/dev/null) || status=000
  if [[ $status != 200 ]]; then
    [[ $imds_down == no ]] && log "scheduled events: the instance metadata service answered $status; trying again"
    imds_down=yes
    return 1
  fi
  imds_down=no
  while IFS=$'\t' read -r event_id kind estatus mine alone seconds notice; do
    if [[ $mine != yes ]]; then
      log_once "$event_id" "event $event_id: $kind of other VMs; not this one's"
      continue
    fi
    case $kind in
      Preempt | Terminate)
        if grep -qxF "$event_id" "$handled" 2>/dev/null; then
          continue
        fi
        handle "$event_id" "$kind" "$estatus" "$alone" "$seconds" "$notice" ;;
      *) log_once "$event_id" "event $event_id: $kind of this VM ($estatus); the runner stays, nothing to tell" ;;
    esac
  done < <(parse_events || log "scheduled events: an answer that is not the documented JSON")
}

while :; do
  poll
  [[ $once == yes ]] && break
  sleep "$poll_seconds"
done
exit 0
