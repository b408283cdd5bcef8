#!/usr/bin/env bash
# bench/startup: process start to the first 200 on /q/health/ready, RSS then and after a load, median
# of RUNS (default 5) runs, for JDK 17, JDK 25, and JDK 25 with an AOT cache, in the mode given as
# the argument, or in each of MODES (default "simulated azure": on 2 cores about 4 min 15 s with the
# build's AOT cache, 5 min 10 s when it trains its own; one mode takes about half):
#   simulated  the built-in simulator (scaler.cloud=simulated);
#   azure      scaler.cloud=azure against local fakes of Resource Manager, Key Vault and GitHub and a
#              real Azurite (bench.FakeAzureWorld, a process of its own), the packaged jar
#              authenticating through DefaultAzureCredential -> ManagedIdentityCredential at a fake
#              managed-identity endpoint (IDENTITY_ENDPOINT/IDENTITY_HEADER). Ready then includes
#              the identity token, the Key Vault reads, the busy-queue read-back and the first
#              scale-set listing. Every run gets a fresh set of fakes (same state each time).
# JDK 17 and JDK 25 run the default packaging (fast-jar, target/quarkus-app); JDK 25 + AOT runs the
# aot-jar packaging, which the aot profile builds (-Paot): there every jar is on the JVM's class path,
# so that the cache holds the application's classes (with the fast-jar, Quarkus's class loader still
# reads and defines each class). Its AOT cache comes from AOT_SOURCE (default auto):
#   build      the project's build, trained by its integration test (PackagedAppIT, simulated mode):
#              JAVA_HOME=<JDK 25> ./mvnw verify -Paot writes target/quarkus-app/app.aot (aot-jar layout);
#   train      a training run of the packaged service (aot-jar layout, built into
#              target/quarkus-app-aot if need be) in each mode, with that mode's load (-XX:AOTCacheOutput);
#   auto       the build's if target/quarkus-app has one, of the aot-jar layout, newer than its jar and
#              the sources, that JDK25 opens (java -XX:AOTMode=on -version: it must be the JDK build that
#              recorded it), else train. Either way the fast-jar is then built for the other variants.
# Environment: RUNS, MODES, JDK17, JDK25, LOAD_SECONDS (2: the load after readiness), AOT_SOURCE.
# Prints one "RESULT bench=startup ..." line per figure, last, each with before= (the figure recorded
# in bench/RESULTS.md before issue 12's start-up work) and, where issue 12 set one, target= (ms);
# which AOT cache it used goes to stderr, with the load average before and after.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
RUNS="${RUNS:-5}"
LOAD_SECONDS="${LOAD_SECONDS:-2}"
AOT_SOURCE="${AOT_SOURCE:-auto}"
# One mode per call: bench/startup/run.sh simulated|azure.
MODES="${1:-${MODES:-simulated azure}}"
JDK17="${JDK17:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
JDK25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
OUT="$ROOT/bench/startup/out"
mkdir -p "$OUT"
start=$(date +%s)
ensure_wrk
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
rm -rf "$OUT/app" "$OUT/app-aot"
# The build's cache lives beside the aot-jar layout in target/quarkus-app, which the fast-jar build below
# replaces: take a copy first. Copies keep their timestamps (cp -a): an AOT cache is refused when the
# jars' timestamps change.
APP="$ROOT/target/quarkus-app"
build_aot_usable() {
  [[ -s "$APP/app.aot" && "$APP/app.aot" -nt "$APP/quarkus-run.jar" ]] && is_aot_jar "$APP" \
    && [[ -z "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$APP/quarkus-run.jar" -print -quit)" ]] \
    && "$JDK25/bin/java" -XX:AOTCache="$APP/app.aot" -XX:AOTMode=on -cp "$APP/quarkus-run.jar" -version >/dev/null 2>&1
}
case "$AOT_SOURCE" in
  auto) if build_aot_usable; then AOT_FROM=build; else AOT_FROM=train; fi ;;
  build) build_aot_usable || { echo "no usable AOT cache from the build in target/quarkus-app:" \
           "JAVA_HOME=$JDK25 ./mvnw verify -Paot records one" >&2; exit 1; }
         AOT_FROM=build ;;
  train) AOT_FROM=train ;;
  *) echo "AOT_SOURCE is auto, build or train, not '$AOT_SOURCE'" >&2; exit 1 ;;
esac
if [[ "$AOT_FROM" == build ]]; then
  cp -a "$APP" "$OUT/app-aot"
  echo "jdk25-aot: the AOT cache the build recorded from PackagedAppIT (target/quarkus-app/app.aot)" >&2
else
  bench_package_aot
  cp -a "$ROOT/target/quarkus-app-aot" "$OUT/app-aot"
  rm -f "$OUT/app-aot/app.aot"
  echo "jdk25-aot: an AOT cache from a training run in each mode (-XX:AOTCacheOutput)" >&2
fi
bench_package
cp -a "$APP" "$OUT/app"
JAR_FAST="$OUT/app/quarkus-run.jar"
JAR_AOT="$OUT/app-aot/quarkus-run.jar"
JAR="$JAR_FAST"

# --- simulated mode --------------------------------------------------------------------------
# The load after readiness: a burst of 200 simulated jobs through the whole loop (webhooks, runner
# configuration and hooks over HTTP) while wrk reads GET /pools for LOAD_SECONDS.
# The launch functions exec the JVM, so that the background job's pid is the service's own.
simulated_launch() {  # java and its options; the service's port is $PORT
  # shellcheck disable=SC2046
  exec "$@" $(sim_props "$PORT") -jar "$JAR"
}
simulated_load() {
  curl -s -o /dev/null -XPOST "http://127.0.0.1:$PORT/sim/jobs" -H 'content-type: application/json' \
       -d '{"count": 200, "labels": ["linux"], "durationSeconds": 2}'
  wrk -t2 -c8 -d"${LOAD_SECONDS}s" "http://127.0.0.1:$PORT/pools" >/dev/null
}

# --- azure mode ------------------------------------------------------------------------------
# The load after readiness: LOAD_SECONDS of signed workflow_job "queued" deliveries under wrk -t2 -c8 (2000
# distinct jobs from the real @octokit/webhooks-examples payload, each request its own delivery id),
# which scale the pool out to its max of 20 through the fake ARM, Key Vault and GitHub.
WORLD_PID=""
stop_world() {
  if [[ -n "$WORLD_PID" ]]; then kill -TERM "$WORLD_PID" 2>/dev/null || true; wait "$WORLD_PID" 2>/dev/null || true; fi
  WORLD_PID=""
}
trap stop_world EXIT
start_world() {
  local cp; cp="$(bench_test_classpath)"
  if [[ ! -d "$ROOT/src/test/npm/node_modules/@octokit/webhooks-examples" ]]; then
    (cd "$ROOT" && $MVN generate-test-resources >&2)   # installs the npm fixtures
  fi
  python3 "$ROOT/bench/intake/deliveries.py" lua "$OUT/requests.lua" 2000
  rm -f "$OUT/azure.env"
  (cd "$ROOT" && exec java -Xmx512m -Dtest.tls.keystore="$ROOT/target/test-tls/fakes.p12" \
       -Dorg.jboss.logging.provider=jdk -cp "$cp" io.vmssrunnerscaler.bench.FakeAzureWorld \
       settings="$OUT/azure.env" webhook-secret="$BENCH_SECRET" max=20 capacity=1 >"$OUT/world.log" 2>&1) &
  WORLD_PID=$!
  local deadline=$(( $(date +%s) + 120 ))
  until [[ -s "$OUT/azure.env" ]]; do
    kill -0 "$WORLD_PID" 2>/dev/null || { echo "the fake Azure world died, see $OUT/world.log" >&2; exit 1; }
    (( $(date +%s) < deadline )) || { echo "the fake Azure world did not start" >&2; exit 1; }
    sleep 0.2
  done
}
# A fresh set of fakes before each run (new ports; the settings file is rewritten).
azure_reset() {
  local identity; identity=$(sed -n 's/^IDENTITY_ENDPOINT=//p' "$OUT/azure.env")
  curl -sf -o /dev/null -XPOST "${identity%/msi/token}/reset" || { echo "world reset failed" >&2; exit 1; }
}
azure_launch() {
  # shellcheck disable=SC2046
  exec env $(cat "$OUT/azure.env") "$@" -Dquarkus.http.port="$PORT" \
      -Djavax.net.ssl.trustStore="$ROOT/target/test-tls/truststore.p12" \
      -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12 -jar "$JAR"
}
azure_load() {
  BENCH_REQUESTS="$OUT/requests.lua" BENCH_RUN=1 \
    wrk -t2 -c8 -d"${LOAD_SECONDS}s" -s "$ROOT/bench/intake/webhook.lua" "http://127.0.0.1:$PORT" >"$OUT/wrk-azure.txt"
  grep -q ' non2xx=0 ' "$OUT/wrk-azure.txt" || { echo "azure load: non-2xx answers: $(grep '^BENCH' "$OUT/wrk-azure.txt")" >&2; exit 1; }
}

# One run in $MODE: prints "<ms to ready> <RSS MiB at ready> <RSS MiB after load>".
one_run() {
  if [[ "$MODE" == azure ]]; then azure_reset; fi
  PORT=$(free_port)
  local t0 t1 pid
  t0=$(date +%s%N)
  "${MODE}_launch" "$@" >"$OUT/service-$MODE.log" 2>&1 &
  pid=$!
  wait_for_200_quiet "http://127.0.0.1:$PORT/q/health/ready" 60 "$pid"
  t1=$(date +%s%N)
  local rss_ready; rss_ready=$(rss_mib "$pid")
  "${MODE}_load"
  local rss_load; rss_load=$(rss_mib "$pid")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (t1 - t0) / 1000000 )) $rss_ready $rss_load"
}

# Issue 12's targets for the time to ready (ms, median of 5 on a 2-core machine), and the figures
# bench/RESULTS.md recorded before that work ("bench/startup", the run of 2026-11-29).
declare -A TARGET=(
  [simulated/jdk17/ready_ms_median]=1000
  [azure/jdk17/ready_ms_median]=1500
  [simulated/jdk25-aot/ready_ms_median]=600
)
declare -A BEFORE=(
  [simulated/jdk17/ready_ms_median]=2986 [simulated/jdk17/rss_ready_mib_median]=154.3
  [simulated/jdk17/rss_after_load_mib_median]=330.8
  [simulated/jdk25/ready_ms_median]=2812 [simulated/jdk25/rss_ready_mib_median]=156.3
  [simulated/jdk25/rss_after_load_mib_median]=334.0
  [simulated/jdk25-aot/ready_ms_median]=3936 [simulated/jdk25-aot/rss_ready_mib_median]=178.7
  [simulated/jdk25-aot/rss_after_load_mib_median]=298.2
  [azure/jdk17/ready_ms_median]=4565 [azure/jdk17/rss_ready_mib_median]=241.5
  [azure/jdk17/rss_after_load_mib_median]=425.1
  [azure/jdk25/ready_ms_median]=4585 [azure/jdk25/rss_ready_mib_median]=225.6
  [azure/jdk25/rss_after_load_mib_median]=409.1
  [azure/jdk25-aot/ready_ms_median]=3684 [azure/jdk25-aot/rss_ready_mib_median]=250.4
  [azure/jdk25-aot/rss_after_load_mib_median]=523.3
)
results=()
for MODE in $MODES; do
  if [[ "$MODE" == azure ]]; then start_world; fi
  if [[ "$AOT_FROM" == build ]]; then
    aot_cache="$OUT/app-aot/app.aot"
  else
    # The AOT cache: a training run in the same mode with the same load, written when the JVM exits.
    aot_cache="$OUT/app-$MODE.aot"
    rm -f "$aot_cache"
    JAR="$JAR_AOT" one_run "$JDK25/bin/java" -XX:AOTCacheOutput="$aot_cache" >/dev/null
    [[ -s "$aot_cache" ]] || { echo "no AOT cache was written" >&2; exit 1; }
  fi
  declare -A VARIANTS=(
    [jdk17]="$JDK17/bin/java"
    [jdk25]="$JDK25/bin/java"
    [jdk25-aot]="$JDK25/bin/java -XX:AOTCache=$aot_cache"
  )
  declare -A JARS=([jdk17]="$JAR_FAST" [jdk25]="$JAR_FAST" [jdk25-aot]="$JAR_AOT")
  for variant in jdk17 jdk25 jdk25-aot; do
    : >"$OUT/$MODE-$variant.txt"
    for ((i = 1; i <= RUNS; i++)); do
      # shellcheck disable=SC2086
      JAR="${JARS[$variant]}" one_run ${VARIANTS[$variant]} | tee -a "$OUT/$MODE-$variant.txt" \
        | sed "s/^/$MODE $variant run $i: ready_ms rss_ready_mib rss_after_load_mib = /"
    done
    col=1
    for metric in ready_ms_median rss_ready_mib_median rss_after_load_mib_median; do
      line="RESULT bench=startup mode=$MODE jvm=$variant metric=$metric value=$(cut -d' ' -f$col "$OUT/$MODE-$variant.txt" | median)"
      if [[ -n "${TARGET[$MODE/$variant/$metric]:-}" ]]; then line+=" target=${TARGET[$MODE/$variant/$metric]}"; fi
      if [[ -n "${BEFORE[$MODE/$variant/$metric]:-}" ]]; then line+=" before=${BEFORE[$MODE/$variant/$metric]}"; fi
      results+=("$line")
      col=$((col + 1))
    done
  done
  if [[ "$MODE" == azure ]]; then stop_world; fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
printf '%s\n' "${results[@]}"
echo "RESULT bench=startup metric=runs_per_variant value=$RUNS"
echo "RESULT bench=startup metric=wall_time_s value=$(( $(date +%s) - start ))"
