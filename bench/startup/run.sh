#!/usr/bin/env bash
# bench/startup: process start to the first 200 on /q/health/ready, RSS then and after a load, median
# of RUNS (default 5) runs, for JDK 17, JDK 25, and JDK 25 with an AOT cache recorded by a training
# run of the packaged service (-XX:AOTCacheOutput). Simulated mode (see bench/RESULTS.md for why not
# azure mode). Environment: RUNS, JDK17, JDK25. Prints one "RESULT bench=startup ..." line per figure, last.
source "$(dirname "$0")/../lib.sh"
RUNS="${RUNS:-5}"
JDK17="${JDK17:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
JDK25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
OUT="$ROOT/bench/startup/out"
mkdir -p "$OUT"
start=$(date +%s)
ensure_wrk
bench_package
# A copy with its timestamps kept: an AOT cache is refused when the jars' timestamps change.
rm -rf "$OUT/app" && cp -a "$ROOT/target/quarkus-app" "$OUT/app"
JAR="$OUT/app/quarkus-run.jar"

# The load after readiness: a burst of 200 simulated jobs through the whole loop (webhooks, runner
# configuration and hooks over HTTP) while wrk reads GET /pools for 5 s.
load() {
  local port="$1"
  curl -s -o /dev/null -XPOST "http://127.0.0.1:$port/sim/jobs" -H 'content-type: application/json' \
       -d '{"count": 200, "labels": ["linux"], "durationSeconds": 2}'
  wrk -t2 -c8 -d5s "http://127.0.0.1:$port/pools" >/dev/null
}

# One run: prints "<ms to ready> <RSS MiB at ready> <RSS MiB after load>".
one_run() {
  local java="$1"; shift
  local port; port=$(free_port)
  local t0 t1 pid
  t0=$(date +%s%N)
  # shellcheck disable=SC2046
  "$java" "$@" $(sim_props "$port") -jar "$JAR" >"$OUT/service.log" 2>&1 &
  pid=$!
  wait_for_200 "http://127.0.0.1:$port/q/health/ready" 60 "$pid"
  t1=$(date +%s%N)
  local rss_ready; rss_ready=$(rss_mib "$pid")
  load "$port"
  local rss_load; rss_load=$(rss_mib "$pid")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (t1 - t0) / 1000000 )) $rss_ready $rss_load"
}

# The AOT cache: a training run with the same settings and load, written when the JVM exits.
rm -f "$OUT/app.aot"
one_run "$JDK25/bin/java" -XX:AOTCacheOutput="$OUT/app.aot" >/dev/null
[[ -s "$OUT/app.aot" ]] || { echo "no AOT cache was written" >&2; exit 1; }

declare -A VARIANTS=(
  [jdk17]="$JDK17/bin/java"
  [jdk25]="$JDK25/bin/java"
  [jdk25-aot]="$JDK25/bin/java -XX:AOTCache=$OUT/app.aot"
)
results=()
for variant in jdk17 jdk25 jdk25-aot; do
  : >"$OUT/$variant.txt"
  for ((i = 1; i <= RUNS; i++)); do
    # shellcheck disable=SC2086
    one_run ${VARIANTS[$variant]} | tee -a "$OUT/$variant.txt" | sed "s/^/$variant run $i: ready_ms rss_ready_mib rss_after_load_mib = /"
  done
  results+=("RESULT bench=startup mode=simulated jvm=$variant metric=ready_ms_median value=$(cut -d' ' -f1 "$OUT/$variant.txt" | median)")
  results+=("RESULT bench=startup mode=simulated jvm=$variant metric=rss_ready_mib_median value=$(cut -d' ' -f2 "$OUT/$variant.txt" | median)")
  results+=("RESULT bench=startup mode=simulated jvm=$variant metric=rss_after_load_mib_median value=$(cut -d' ' -f3 "$OUT/$variant.txt" | median)")
done
printf '%s\n' "${results[@]}"
echo "RESULT bench=startup metric=runs_per_variant value=$RUNS"
echo "RESULT bench=startup metric=wall_time_s value=$(( $(date +%s) - start ))"
