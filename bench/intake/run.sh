#!/usr/bin/env bash
# bench/intake: the packaged service (simulated mode, JDK on PATH) under wrk with signed
# workflow_job "queued" deliveries, each with its own delivery id: requests per second and p50/p99
# latency at a fixed concurrency; then the time from a queued delivery to the capacity call it
# causes (p50/p99), one delivery at a time. Environment: CONNECTIONS (32), DURATION (20s),
# SAMPLES (100). Prints one "RESULT bench=intake ..." line per figure, last.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
CONNECTIONS="${CONNECTIONS:-32}"
DURATION="${DURATION:-20s}"
SAMPLES="${SAMPLES:-100}"
OUT="$ROOT/bench/intake/out"
mkdir -p "$OUT"
start=$(date +%s)
ensure_wrk
bench_package
if [[ ! -d "$ROOT/src/test/npm/node_modules/@octokit/webhooks-examples" ]]; then
  (cd "$ROOT" && $MVN generate-test-resources >&2)   # installs the npm fixtures
fi
python3 "$ROOT/bench/intake/deliveries.py" lua "$OUT/requests.lua" 2000
export BENCH_REQUESTS="$OUT/requests.lua"

run_service() {  # port, max, extra props...
  local port="$1" max="$2"; shift 2
  # shellcheck disable=SC2046
  java -Xmx512m $(sim_props "$port") -Dscaler.pools.linux.max="$max" "$@" \
       -jar "$ROOT/target/quarkus-app/quarkus-run.jar" >"$OUT/service-$port.log" 2>&1 &
  echo $!
}

# 1. Throughput and latency: a pool capped at 20 instances (so the simulator stays small) while
#    wrk delivers; a 5 s warm-up run first.
port=$(free_port)
pid=$(run_service "$port" 20)
wait_for_200 "http://127.0.0.1:$port/q/health/ready" 60 "$pid"
BENCH_RUN=1 wrk -t2 -c"$CONNECTIONS" -d5s -s "$ROOT/bench/intake/webhook.lua" "http://127.0.0.1:$port" >/dev/null
BENCH_RUN=2 wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/bench/intake/webhook.lua" "http://127.0.0.1:$port" | tee "$OUT/wrk.txt"
curl -s "http://127.0.0.1:$port/q/metrics" | grep '^scaler_webhook_deliveries_total' >"$OUT/metrics.txt" || true
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true

# 2. Queued delivery to capacity call: min 0 and no free capacity, so each queued job raises the
#    desired size by one and leads to exactly one capacity call.
port=$(free_port)
pid=$(run_service "$port" 1000 -Dscaler.pools.linux.min=0)
wait_for_200 "http://127.0.0.1:$port/q/health/ready" 60 "$pid"
python3 "$ROOT/bench/intake/deliveries.py" latency "$port" "$OUT/service-$port.log" "$SAMPLES" >"$OUT/latency.txt"
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true

line=$(grep '^BENCH ' "$OUT/wrk.txt")
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
pct() { sort -g "$OUT/latency.txt" | awk -v p="$1" '{v[NR]=$1} END {i=int((p*NR+99)/100); if (i<1) i=1; print v[i]}'; }
echo "RESULT bench=intake connections=$CONNECTIONS metric=requests_per_s value=$(field rps)"
echo "RESULT bench=intake connections=$CONNECTIONS metric=latency_p50_ms value=$(field p50_ms)"
echo "RESULT bench=intake connections=$CONNECTIONS metric=latency_p99_ms value=$(field p99_ms)"
echo "RESULT bench=intake connections=$CONNECTIONS metric=requests value=$(field requests)"
echo "RESULT bench=intake connections=$CONNECTIONS metric=non_2xx value=$(field non2xx)"
echo "RESULT bench=intake connections=$CONNECTIONS metric=socket_errors value=$(field errors)"
# Every delivery must have been taken as new: a repeated delivery id would be answered "duplicate".
dups=$(awk -F' ' '/outcome="duplicate"/ {print $2}' "$OUT/metrics.txt"); dups=${dups:-0}
echo "RESULT bench=intake connections=$CONNECTIONS metric=duplicate_deliveries value=$dups"
echo "RESULT bench=intake samples=$SAMPLES metric=queued_to_capacity_call_p50_ms value=$(pct 50)"
echo "RESULT bench=intake samples=$SAMPLES metric=queued_to_capacity_call_p99_ms value=$(pct 99)"
echo "RESULT bench=intake metric=wall_time_s value=$(( $(date +%s) - start ))"
