#!/usr/bin/env bash
# bench/first-hour: how long a newcomer waits for `./mvnw quarkus:dev` to serve GET /pools on a
# machine without Node.js. RUNS (default 3) fresh clones of this repository's committed HEAD, each
# started with PATH stripped of node, npm and npx, then once more on the last clone, compiled
# already. Maven's cache is used as it is: fill it first (./mvnw -B verify). About 2 minutes.
# Prints one "RESULT bench=first-hour ..." line per run, last; target= is issue 18's 30 s.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
RUNS="${RUNS:-3}"
WORK="$(mktemp -d)"
DEV_PID=""
cleanup() {
  if [ -n "$DEV_PID" ]; then kill -- -"$DEV_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Every command of the system directories but Node.js's.
BIN="$WORK/bin"
mkdir -p "$BIN"
for dir in /usr/local/bin /usr/bin /bin /usr/local/sbin /usr/sbin /sbin; do
  [ -d "$dir" ] || continue
  for f in "$dir"/*; do
    name="$(basename "$f")"
    case "$name" in node | nodejs | npm | npx | corepack) continue ;; esac
    [ -e "$BIN/$name" ] || ln -s "$f" "$BIN/$name"
  done
done
if PATH="$BIN" command -v node >/dev/null; then
  echo "node is still on the stripped PATH" >&2
  exit 1
fi

# Seconds from starting dev mode in $1 to the first answer of GET /pools.
serve_seconds() {
  local clone="$1" port start end
  port="$(free_port)"
  start="$(date +%s%N)"
  # A session of its own (setsid execs in place: a background job leads no group), so that
  # stopping it stops Maven and the dev-mode JVM it forked, and nothing else.
  (cd "$clone" && exec env PATH="$BIN" setsid ./mvnw -B quarkus:dev -Dquarkus.http.port="$port" \
    >"$clone/dev.log" 2>&1) &
  DEV_PID=$!
  until curl -sf "http://127.0.0.1:$port/pools" >/dev/null 2>&1; do
    if ! kill -0 "$DEV_PID" 2>/dev/null; then
      echo "dev mode stopped; its log:" >&2
      tail -30 "$clone/dev.log" >&2
      exit 1
    fi
    if [ $(( ($(date +%s%N) - start) / 1000000000 )) -gt 300 ]; then
      echo "dev mode did not serve within 300 s" >&2
      exit 1
    fi
    sleep 0.3
  done
  end="$(date +%s%N)"
  kill -- -"$DEV_PID" 2>/dev/null || true
  wait "$DEV_PID" 2>/dev/null || true
  DEV_PID=""
  awk -v ns="$((end - start))" 'BEGIN { printf "%.1f", ns / 1e9 }'
}

results=()
for i in $(seq 1 "$RUNS"); do
  git clone -q "$ROOT" "$WORK/clone$i"
  s="$(serve_seconds "$WORK/clone$i")"
  echo "fresh clone $i: $s s" >&2
  results+=("RESULT bench=first-hour clone=fresh-$i metric=serve_seconds value=$s target=30")
done
s="$(serve_seconds "$WORK/clone$RUNS")"
echo "compiled clone: $s s" >&2
results+=("RESULT bench=first-hour clone=compiled metric=serve_seconds value=$s target=30")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
printf '%s\n' "${results[@]}"
