# shellcheck shell=bash
# Shared by the bench/*/run.sh scripts: project root, Maven settings, test classpath.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Other builds on this machine run @QuarkusTest suites; keep Maven's test port off the default.
export QUARKUS_HTTP_TEST_PORT="${QUARKUS_HTTP_TEST_PORT:-18381}"
MVN="$ROOT/mvnw -B -q"

# Compiles main and test sources and makes the test material (no tests run; tests compile at
# process-test-classes, see pom.xml) and writes the test classpath to target/bench-classpath.txt.
bench_test_classpath() {
  (cd "$ROOT" && $MVN process-test-classes >&2 \
    && $MVN dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2)
  echo "$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$ROOT/target/bench-classpath.txt")"
}

# Runs a benchmark main class from the test classpath with the JDK in $JAVA (default: java on PATH).
bench_java_main() {
  local main="$1"; shift
  local cp; cp="$(bench_test_classpath)"
  "${JAVA:-java}" -Xmx1g -XX:+UseParallelGC -Dorg.jboss.logging.provider=jdk -cp "$cp" "$main" "$@"
}

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Installs wrk (Debian package) if it is missing.
ensure_wrk() {
  if ! command -v wrk >/dev/null; then
    echo "installing wrk" >&2
    (apt-get install -y wrk >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y wrk >/dev/null)) >&2
  fi
}

# Whether the packaged app in folder $1 is the aot-jar layout (a -Paot build), not the default fast-jar.
is_aot_jar() {
  unzip -p "$1/quarkus-run.jar" META-INF/MANIFEST.MF 2>/dev/null | grep -q 'AotQuarkusEntryPoint'
}

# Builds the packaged service (target/quarkus-app, fast-jar) unless it is newer than every source file
# and of that layout (a -Paot build leaves the aot-jar layout there).
bench_package() {
  local jar="$ROOT/target/quarkus-app/quarkus-run.jar"
  if [[ ! -f "$jar" || -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$jar" -print -quit)" ]] \
     || is_aot_jar "$ROOT/target/quarkus-app"; then
    (cd "$ROOT" && $MVN package -DskipTests >&2)
  fi
}

# Builds the aot-jar layout of the packaged service (what -Paot packages, where a JDK 25 AOT cache holds
# the application's classes) into target/quarkus-app-aot, unless it is newer than every source file.
bench_package_aot() {
  local jar="$ROOT/target/quarkus-app-aot/quarkus-run.jar"
  if [[ ! -f "$jar" || -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$jar" -print -quit)" ]]; then
    (cd "$ROOT" && $MVN package -DskipTests -Dquarkus.package.jar.type=aot-jar \
       -Dquarkus.package.output-directory=quarkus-app-aot -DpackagedAppDir=quarkus-app-aot >&2)
  fi
}

# The webhook secret the benchmarks sign with; simulated mode only, never a real secret.
BENCH_SECRET="bench-only-webhook-secret"

# Settings of the packaged service in simulated mode: one pool, fast simulated Azure.
sim_props() {
  local port="$1"
  echo "-Dquarkus.http.port=$port -Dscaler.cloud=simulated -Dscaler.github.webhook-secret=$BENCH_SECRET" \
       "-Dscaler.pools.linux.labels=linux,x64 -Dscaler.pools.linux.min=1 -Dscaler.pools.linux.max=1000" \
       "-Dscaler.pools.linux.free-percent=0 -Dscaler.pools.linux.scope=octo-org/app" \
       "-Dscaler.sim.capacity-delay=100ms -Dscaler.sim.provisioning-delay=1s -Dscaler.sim.reimage-delay=500ms" \
       "-Dscaler.sim.delete-delay=300ms -Dscaler.sim.runner-start-delay=100ms"
}

# Waits until GET $1 answers 200 (at most $2 seconds, checking process $3 is alive); prints nothing.
wait_for_200() {
  local url="$1" limit="$2" pid="$3" deadline=$(( $(date +%s) + $2 ))
  until curl -s -o /dev/null -w '%{http_code}' "$url" 2>/dev/null | grep -q '^200$'; do
    kill -0 "$pid" 2>/dev/null || { echo "process $pid died" >&2; return 1; }
    (( $(date +%s) < deadline )) || { echo "no 200 from $url within ${limit}s" >&2; return 1; }
    sleep 0.005
  done
}

rss_mib() {
  awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"
}

# Median of numbers on stdin.
median() {
  sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'
}

# Like wait_for_200, from one Python process polling every 5 ms: a shell loop spawning curl, grep and
# date on each poll costs more than a core of CPU on a 2-core machine (so it slows the start-up it
# measures) and resolves only ~45 ms. Waits until GET $1 answers 200 (at most $2 s, while process $3
# lives).
wait_for_200_quiet() {
  python3 - "$1" "$2" "$3" <<'PY'
import http.client, os, sys, time, urllib.parse
url, limit, pid = urllib.parse.urlsplit(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
deadline = time.monotonic() + limit
while True:
    try:
        c = http.client.HTTPConnection(url.hostname, url.port, timeout=2)
        c.request("GET", url.path)
        if c.getresponse().status == 200:
            sys.exit(0)
        c.close()
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("process %d died" % pid)
    if time.monotonic() > deadline:
        sys.exit("no 200 from %s within %ss" % (sys.argv[1], sys.argv[2]))
    time.sleep(0.005)
PY
}
