#!/usr/bin/env bash
# Flash-sale claiming under HTTP load: claims per second and p99 at 200 concurrent clients, each
# client a different logged-in user carrying its own bearer token, all claiming one coupon.
#
#   bench/claims.sh                                  # 200 users, stock 100, 20 s
#   USERS=500 STOCK=1000 DURATION=30s bench/claims.sh
#   BASE_URL=http://localhost:8080 bench/claims.sh   # a running service (the compose stack: Kafka queue)
#
# What it does: logs in the admin (13800000000) and USERS users through POST /api/auth/code and
# POST /api/auth/login (the code comes back in the response while cachelab.auth.expose-code=true, the
# default), creates a coupon with STOCK through POST /api/admin/coupons, then runs the load generator (LOAD below)
# with one worker per user on POST /api/coupons/{id}/claims. A user's first claim is accepted (202)
# while stock lasts; every later one is refused (409 sold out / already claimed, or 429 over the
# per-user rate), so the run measures the whole claim path, accepted or not. The warm-up runs on a
# second coupon with other users, so the measured coupon and users start fresh.
# Before and after the claims the same users call GET /api/ping/user for DURATION: the bearer-token
# floor (the same connector, filters, session lookup and dispatcher, then nothing), the reference the
# claim numbers are given against, measured in the same run; the better of the two runs counts.
# Checks: more 202s than STOCK is an oversell and fails the script; 401/403/404/5xx above 1% fail it.
#
# Env: USERS (= concurrency), STOCK, DURATION, WARMUP, WARMUP_USERS, PHONE_PREFIX (7 digits; users are
#      PHONE_PREFIX + 4 digits, warm-up users use the next prefix), ADMIN_PHONE, LOGIN_PARALLEL,
#      JAVA_OPTS, APP_ARGS, BASE_URL.
# LOAD=wrk (the default when installed): each request carries the next user's token (every thread
# starting at its own offset) instead of one worker per user; LOAD=httpload keeps one worker per user.
# Needs: java 17, curl; wrk for LOAD=wrk.
set -euo pipefail

USERS="${USERS:-200}"
STOCK="${STOCK:-100}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-5s}"
WARMUP_USERS="${WARMUP_USERS:-$(( USERS < 50 ? USERS : 50 ))}"
PHONE_PREFIX="${PHONE_PREFIX:-1390000}"
ADMIN_PHONE="${ADMIN_PHONE:-13800000000}"
LOGIN_PARALLEL="${LOGIN_PARALLEL:-8}"

cd "$(dirname "$0")/.."
NAME=claims
# shellcheck source=bench/lib.sh
. bench/lib.sh
require_tools java curl
(( USERS >= 1 && USERS <= 9999 )) || { echo "claims: USERS must be 1..9999" >&2; exit 1; }
start_app

# --- small JSON helpers: the answers are flat objects, so a pattern per field is enough -------------
json_str() { # json key
  grep -o "\"$2\"[[:space:]]*:[[:space:]]*\"[^\"]*\"" <<<"$1" | head -1 | sed 's/^.*:[[:space:]]*"//; s/"$//'
}
json_num() { # json key
  grep -o "\"$2\"[[:space:]]*:[[:space:]]*-\{0,1\}[0-9][0-9]*" <<<"$1" | head -1 | sed 's/^.*:[[:space:]]*//'
}

# POST JSON; prints the body, fails the script with the status and body unless the status is 2xx
post_json() { # path json [bearer-token]
  local out code body
  out="$(curl -sS -X POST -H 'Content-Type: application/json' ${3:+-H "Authorization: Bearer $3"} \
    --data "$2" -w '\n%{http_code}' "$BASE_URL$1")" || { echo "claims: POST $1: no response" >&2; return 1; }
  code="${out##*$'\n'}"
  body="${out%$'\n'*}"
  if [[ "$code" != 2?? ]]; then
    echo "claims: POST $1 $2 answered $code: ${body:0:300}" >&2
    return 1
  fi
  printf '%s' "$body"
}

login() { # phone -> token
  local answer code token
  answer="$(post_json /api/auth/code "{\"phone\":\"$1\"}")" || return 1
  code="$(json_str "$answer" code)"
  if [[ -z "$code" ]]; then
    echo "claims: POST /api/auth/code answered no code for $1 (is cachelab.auth.expose-code=true?): $answer" >&2
    return 1
  fi
  answer="$(post_json /api/auth/login "{\"phone\":\"$1\",\"code\":\"$code\"}")" || return 1
  token="$(json_str "$answer" token)"
  [[ -n "$token" ]] || { echo "claims: POST /api/auth/login answered no token for $1: $answer" >&2; return 1; }
  printf '%s' "$token"
}

# Logs in count users prefix+0001.. in parallel; writes one 'Authorization: Bearer ...' line per user.
login_users() { # prefix count file
  local i pids=()
  mkdir -p "$WORK/tokens.$1"
  # wait on these PIDs only: a bare `wait` would also wait for the app this script started
  for (( i = 1; i <= $2; i++ )); do
    ( token="$(login "$(printf '%s%04d' "$1" "$i")")" && printf 'Authorization: Bearer %s\n' "$token" \
        >"$WORK/tokens.$1/$(printf '%04d' "$i")" ) &
    pids+=("$!")
    if (( i % LOGIN_PARALLEL == 0 )); then wait "${pids[@]}"; pids=(); fi
  done
  if (( ${#pids[@]} > 0 )); then wait "${pids[@]}"; fi
  cat "$WORK/tokens.$1"/* >"$3" 2>/dev/null || true
  local got
  got="$(wc -l <"$3")"
  if (( got != $2 )); then
    echo "claims: only $got of $2 users with prefix $1 could log in (messages above)" >&2
    exit 1
  fi
}

# A window wide enough for any server time zone: the API may read the times as local date-times.
create_coupon() { # title stock admin-token -> id
  local begin end answer id
  begin="$(date -u -d '-2 days' +%Y-%m-%dT%H:%M:%SZ)"
  end="$(date -u -d '+2 days' +%Y-%m-%dT%H:%M:%SZ)"
  answer="$(post_json /api/admin/coupons \
    "{\"title\":\"$1\",\"stock\":$2,\"beginAt\":\"$begin\",\"endAt\":\"$end\",\"perUserLimit\":1}" "$3")" || exit 1
  id="$(json_num "$answer" id)"
  [[ -n "$id" ]] || { echo "claims: POST /api/admin/coupons answered no id: $answer" >&2; exit 1; }
  printf '%s' "$id"
}

ADMIN_TOKEN="$(login "$ADMIN_PHONE")" || exit 1
WARMUP_PREFIX="$(( PHONE_PREFIX + 1 ))"
echo "claims: logging in $USERS users (+$WARMUP_USERS for the warm-up)" >&2
login_users "$PHONE_PREFIX" "$USERS" "$WORK/tokens.txt"
STAMP="$(date -u +%H%M%S)"
COUPON="$(create_coupon "bench $STAMP" "$STOCK" "$ADMIN_TOKEN")"

if [[ "$WARMUP" != 0 && "$WARMUP" != 0s && "$WARMUP_USERS" -gt 0 ]]; then
  login_users "$WARMUP_PREFIX" "$WARMUP_USERS" "$WORK/warmup-tokens.txt"
  WARM_COUPON="$(create_coupon "bench warm-up $STAMP" "$STOCK" "$ADMIN_TOKEN")"
  echo "== warm-up on coupon $WARM_COUPON" >&2
  http_load --method POST --url "$BASE_URL/api/coupons/$WARM_COUPON/claims" \
    --concurrency "$WARMUP_USERS" --worker-headers "$WORK/warmup-tokens.txt" --duration "$WARMUP" \
    --fail-on 400,401,403,404,5xx >/dev/null
fi

# the reference: the bearer-token floor (same users, same connections), measured before the claims
# and again after them; the better run counts, so no ratio is flattered by a floor the JIT had not
# compiled yet (as bench/articles.sh does for its floor)
floor_run() {
  echo "== reference: GET /api/ping/user" >&2
  http_load --method GET --url "$BASE_URL/api/ping/user" \
    --concurrency "$USERS" --worker-headers "$WORK/tokens.txt" --duration "$DURATION" \
    --fail-on 400,401,403,404,5xx --max-fail-ratio 0.01
}
ref="$(floor_run)"

echo "== claims on coupon $COUPON" >&2
line="$(http_load --method POST --url "$BASE_URL/api/coupons/$COUPON/claims" \
  --concurrency "$USERS" --worker-headers "$WORK/tokens.txt" --duration "$DURATION" \
  --fail-on 400,401,403,404,5xx --max-fail-ratio 0.01)"

accepted="$(result_field "$line" status_202)"
echo "claims: POST /api/coupons/{id}/claims, $USERS users ($LOAD: $([[ $LOAD == wrk ]] && echo "tokens in turn" || echo "one worker each")), stock $STOCK, $DURATION after $WARMUP warm-up, $BASE_URL"
printf '%-10s %10s %9s %8s %8s %8s %8s\n' requests "claims/s" "p99 ms" 202 409 429 other
printf '%-10s %10s %9s %8s %8s %8s %8s\n' "$(result_field "$line" requests)" "$(result_field "$line" rps)" \
  "$(result_field "$line" p99_ms)" "$accepted" "$(result_field "$line" status_409)" \
  "$(result_field "$line" status_429)" \
  "$(( $(result_field "$line" requests) - accepted - $(result_field "$line" status_409) - $(result_field "$line" status_429) ))"

expected=$(( STOCK < USERS ? STOCK : USERS ))
if (( accepted > STOCK )); then
  echo "claims: OVERSOLD: $accepted claims accepted for a stock of $STOCK" >&2
  exit 1
elif (( accepted != expected )); then
  echo "claims: note: $accepted claims accepted, $expected expected (min of stock and users)" >&2
fi
# the ratio says what deciding a claim costs over an authenticated request that does nothing
ref2="$(floor_run)"
echo "claims: floor runs: $(result_field "$ref" rps) and $(result_field "$ref2" rps) req/s; the better is the reference" >&2
if awk -v a="$(result_field "$ref2" rps)" -v b="$(result_field "$ref" rps)" 'BEGIN { exit !(a + 0 > b + 0) }'; then ref="$ref2"; fi
printf '%-10s %10s %9s\n' reference "req/s" "p99 ms"
printf '%-10s %10s %9s\n' "floor" "$(result_field "$ref" rps)" "$(result_field "$ref" p99_ms)"
awk -v c="$(result_field "$line" rps)" -v r="$(result_field "$ref" rps)" -v cp="$(result_field "$line" p99_ms)" \
  -v rp="$(result_field "$ref" p99_ms)" 'BEGIN { printf "claims vs floor: req/s %.2f, p99 %.2f\n", c / r, cp / rp }'

# the admin view after the queue had a moment to drain: database stock, Redis stock, persisted claims
sleep 2
admin_view="$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$BASE_URL/api/admin/coupons/$COUPON" || true)"
echo "claims: GET /api/admin/coupons/$COUPON: stock=$(json_num "$admin_view" stock) cachedStock=$(json_num "$admin_view" cachedStock) claims=$(json_num "$admin_view" claims)"
