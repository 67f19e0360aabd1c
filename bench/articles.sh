#!/usr/bin/env bash
# GET /api/articles/{id} under HTTP load, one run per cache strategy, in one invocation, against two
# references measured in the same minute on the same machine by the same JVM: the floor (GET
# /api/ping: the same connector, filters, security and dispatcher, then nothing; what the framework
# costs) and `none` (the database every time; what caching gains).
#
#   bench/articles.sh                               # floor, none, cache-aside, two-level; 50 workers, 20 s each
#   DB=mariadb bench/articles.sh                    # the same on a throw-away MariaDB (Debian's mariadb-server)
#   CONCURRENCY=100 DURATION=30s bench/articles.sh
#   BASE_URL=http://localhost:8080 bench/articles.sh  # a running service (the compose stack), nothing started
#
# Env: STRATEGIES (space separated), DB (h2 | mariadb), CONCURRENCY, DURATION, WARMUP,
#      IDS (range, default 1-1000: the seeded articles), JAVA_OPTS (app JVM flags), APP_ARGS (extra
#      --name=value arguments for the app), BASE_URL.
# Each strategy gets a warm-up first (JIT, connection pool, and for the caching strategies a filled
# cache), then the measured run. A run stops the script when more than 1% of its requests answer
# 4xx/5xx or fail to connect: the numbers of a broken endpoint are not a benchmark.
# Env LOAD: wrk (the default when installed) or httpload (bench/HttpLoad.java); see http_load in bench/lib.sh.
# Needs: java 17, curl; wrk (Debian's wrk) for LOAD=wrk.
set -euo pipefail

STRATEGIES="${STRATEGIES:-none cache-aside two-level}"
CONCURRENCY="${CONCURRENCY:-50}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-5s}"
IDS="${IDS:-1-1000}"

cd "$(dirname "$0")/.."
NAME=articles
# shellcheck source=bench/lib.sh
. bench/lib.sh
require_tools java curl
start_app

# one request first, so a missing endpoint or strategy is reported in one line, not as a failed run
probe() { # strategy
  local code
  code="$(curl -s -o "$WORK/probe.body" -w '%{http_code}' "$BASE_URL/api/articles/${IDS%%-*}?strategy=$1" || true)"
  if [[ "$code" != 2?? ]]; then
    echo "articles: GET $BASE_URL/api/articles/${IDS%%-*}?strategy=$1 answered ${code:-no response}" \
      "$(head -c 300 "$WORK/probe.body" 2>/dev/null)" >&2
    if [[ "$code" == 404 ]]; then echo "articles: (404: is GET /api/articles/{id} part of this build?)" >&2; fi
    exit 1
  fi
}

declare -A RPS P99 HITS
ORDER=(floor)
# the floor runs first and again last (the JIT keeps compiling for the first minutes); the better of
# the two is the reference, so no ratio is flattered by a cold floor
for s in floor $STRATEGIES floor; do
  [[ "$s" == floor ]] || { ORDER+=("$s"); probe "$s"; }
  url="$BASE_URL/api/articles/{id}?strategy=$s"
  [[ "$s" == floor ]] && url="$BASE_URL/api/ping"
  echo "== $s" >&2
  line="$(http_load --url "$url" --ids "$IDS" \
    --concurrency "$CONCURRENCY" --warmup "$WARMUP" --duration "$DURATION" \
    --count-header X-Cache --fail-on 4xx,5xx --max-fail-ratio 0.01)"
  rps="$(result_field "$line" rps)"
  if [[ "$s" == floor && -n "${RPS[floor]:-}" ]]; then
    echo "articles: floor runs: ${RPS[floor]} and $rps req/s; the better is the reference" >&2
    awk -v a="$rps" -v b="${RPS[floor]}" 'BEGIN { exit !(a + 0 > b + 0) }' || continue
  fi
  RPS[$s]="$rps"
  P99[$s]="$(result_field "$line" p99_ms)"
  HITS[$s]="$(result_field "$line" header_HIT)"
  total="$(result_field "$line" requests)"
  HITS[$s]="$(awk -v h="${HITS[$s]}" -v t="$total" 'BEGIN { printf "%.1f", (t > 0 ? 100 * h / t : 0) }')"
done

base="${ORDER[1]:-floor}"
echo "articles: GET /api/articles/{id} ids $IDS, $CONCURRENCY connections ($LOAD), $DURATION per run after $WARMUP warm-up, database ${DB:-h2}, $BASE_URL"
echo "articles: floor = GET /api/ping through the same chain (the better of a first and a last run); ratios against it and against $base"
printf '%-12s %10s %9s %7s %15s %15s %13s\n' strategy "req/s" "p99 ms" "HIT %" "req/s vs floor" "p99 vs floor" "req/s vs $base"
for s in "${ORDER[@]}"; do
  printf '%-12s %10s %9s %7s %15s %15s %13s\n' "$s" "${RPS[$s]}" "${P99[$s]}" "${HITS[$s]}" \
    "$(ratio "${RPS[$s]}" "${RPS[floor]}")" "$(ratio "${P99[$s]}" "${P99[floor]}")" "$(ratio "${RPS[$s]}" "${RPS[$base]}")"
done
