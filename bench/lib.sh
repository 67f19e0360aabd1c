# Shared by the bench/*-vs-redis.sh scripts: start the engine and a real redis-server side by side on
# free 127.0.0.1 ports, so every ratio compares two servers measured on the same machine in the same
# minute, and stop exactly those two processes (by PID) on exit.
# Callers set NAME (for messages) and may set JAVA_OPTS, REDIS_ARGS (extra redis-server arguments) and ENGINE_CMD ({port} is substituted; e.g.
# ENGINE_CMD='redis-server --port {port} --save ""' checks a script against a second Redis).

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$NAME: '$tool' not found on PATH" >&2; exit 1; }
  done
}

ensure_jar() {
  JAR=target/cachelab.jar
  if [[ -z "${ENGINE_CMD:-}" && ! -f "$JAR" ]]; then
    echo "$NAME: $JAR missing, building it (./mvnw -q -DskipTests package)" >&2
    ./mvnw -q -DskipTests package
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $(( 20000 + RANDOM % 20000 ))
}

# Stops each PID that still runs: SIGTERM, up to SECONDS for it to exit, then SIGKILL.
stop_pids() { # seconds pid...
  local grace="$1" pid
  shift
  for pid in "$@"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq $(( grace * 10 ))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}

cleanup_pair() {
  stop_pids 5 "${ENGINE_PID:-}" "${REDIS_PID:-}"
  rm -rf "${WORK:-}"
}

wait_for_ping() { # port pid name
  for _ in $(seq 300); do
    [[ "$(redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null)" == "PONG" ]] && return 0
    kill -0 "$2" 2>/dev/null || { echo "$NAME: $3 exited during startup, log:" >&2; cat "$WORK/$3.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$NAME: $3 did not answer PING on port $1 within 30 s" >&2
  exit 1
}

# Starts both servers; sets ENGINE_PORT, REDIS_PORT, ENGINE_PID, REDIS_PID, WORK.
start_pair() {
  WORK="$(mktemp -d -t "$NAME.XXXXXX")"
  trap cleanup_pair EXIT INT TERM
  ENGINE_PORT="$(free_port)"
  if [[ -n "${ENGINE_CMD:-}" ]]; then
    # exec keeps the recorded PID the server's own, so cleanup stops the right process
    bash -c "exec ${ENGINE_CMD//\{port\}/$ENGINE_PORT}" >"$WORK/engine.log" 2>&1 &
  else
    # shellcheck disable=SC2086
    java ${JAVA_OPTS:-} -jar "$JAR" engine --port "$ENGINE_PORT" --save '' >"$WORK/engine.log" 2>&1 &
  fi
  ENGINE_PID=$!
  REDIS_PORT="$(free_port)"
  while [[ "$REDIS_PORT" == "$ENGINE_PORT" ]]; do REDIS_PORT="$(free_port)"; done
  # shellcheck disable=SC2086
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK" --save '' --appendonly no \
    --daemonize no ${REDIS_ARGS:-} >"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  wait_for_ping "$ENGINE_PORT" "$ENGINE_PID" engine
  wait_for_ping "$REDIS_PORT" "$REDIS_PID" redis
}

ratio() { # engine reference
  awk -v e="$1" -v r="$2" 'BEGIN { if (e + 0 > 0 && r + 0 > 0) printf "%.2f", e / r; else print "n/a" }'
}

# --- the service itself, for the HTTP benchmarks (articles.sh, claims.sh) ---------------------------
# With BASE_URL set (e.g. BASE_URL=http://localhost:8080 for the compose stack) the scripts use that
# running service and start nothing; otherwise start_app runs target/cachelab.jar with its embedded
# engine on free ports and cleanup_app stops exactly that process.

cleanup_app() {
  stop_pids 10 "${APP_PID:-}" "${DB_PID:-}"
  rm -rf "${WORK:-}"
}

# DB=mariadb: a throw-away MariaDB (Debian's mariadb-server) on a free 127.0.0.1 port under $WORK,
# schema and seed from sql/, and the app pointed at it with the `mysql` profile. Sets DB_PID and
# appends to APP_ARGS. Called by start_app; stopped by cleanup_app (by PID).
start_mariadb() {
  local mariadbd installdb port
  mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
  installdb="$(command -v mariadb-install-db || echo /usr/bin/mariadb-install-db)"
  [[ -x "$mariadbd" && -x "$installdb" ]] || { echo "$NAME: DB=mariadb needs mariadb-server (apt-get install -y mariadb-server)" >&2; exit 1; }
  port="$(free_port)"
  mkdir -p "$WORK/db"
  "$installdb" --no-defaults --datadir="$WORK/db/data" --auth-root-authentication-method=normal --skip-test-db \
    >"$WORK/db/install.log" 2>&1 || { cat "$WORK/db/install.log" >&2; exit 1; }
  "$mariadbd" --no-defaults --user="$(id -un)" --datadir="$WORK/db/data" --socket="$WORK/db/s.sock" \
    --pid-file="$WORK/db/pid" --bind-address=127.0.0.1 --port="$port" --skip-name-resolve \
    --innodb-buffer-pool-size=128M --performance-schema=OFF --log-error="$WORK/db/error.log" &
  DB_PID=$!
  for _ in $(seq 300); do
    mariadb --no-defaults --socket="$WORK/db/s.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
    kill -0 "$DB_PID" 2>/dev/null || { echo "$NAME: mariadbd exited:" >&2; cat "$WORK/db/error.log" >&2; exit 1; }
    sleep 0.1
  done
  mariadb --no-defaults --socket="$WORK/db/s.sock" -uroot -e "CREATE DATABASE cachelab CHARACTER SET utf8mb4;
    CREATE USER 'cachelab'@'%' IDENTIFIED BY 'cachelab'; GRANT ALL ON cachelab.* TO 'cachelab'@'%';"
  mariadb --no-defaults --socket="$WORK/db/s.sock" -uroot cachelab <sql/schema.sql
  mariadb --no-defaults --socket="$WORK/db/s.sock" -uroot cachelab <sql/data.sql
  APP_ARGS="${APP_ARGS:-} --spring.profiles.active=mysql --spring.datasource.url=jdbc:mysql://127.0.0.1:$port/cachelab?serverTimezone=UTC"
  echo "$NAME: MariaDB $("$mariadbd" --version | awk '{print $3}') (pid $DB_PID) on 127.0.0.1:$port, seeded from sql/" >&2
}

wait_for_health() { # base-url pid log
  for _ in $(seq 600); do
    if curl -fsS "$1/actuator/health" 2>/dev/null | grep -q '"status":"UP"'; then return 0; fi
    if [[ -n "${2:-}" ]] && ! kill -0 "$2" 2>/dev/null; then
      echo "$NAME: the app exited during startup, log:" >&2; cat "$3" >&2; exit 1
    fi
    sleep 0.1
  done
  echo "$NAME: $1/actuator/health did not report UP within 60 s" >&2
  [[ -n "${3:-}" ]] && tail -50 "$3" >&2
  exit 1
}

# Sets BASE_URL (and APP_PID, APP_PORT, APP_ENGINE_PORT, WORK when it starts the jar).
start_app() {
  WORK="$(mktemp -d -t "$NAME.XXXXXX")"
  trap cleanup_app EXIT INT TERM
  if [[ -n "${BASE_URL:-}" ]]; then
    BASE_URL="${BASE_URL%/}"
    echo "$NAME: using the running service at $BASE_URL" >&2
    wait_for_health "$BASE_URL"
    return
  fi
  ensure_jar
  if [[ "${DB:-h2}" == mariadb ]]; then start_mariadb; fi
  APP_PORT="$(free_port)"
  APP_ENGINE_PORT="$(free_port)"
  while [[ "$APP_ENGINE_PORT" == "$APP_PORT" ]]; do APP_ENGINE_PORT="$(free_port)"; done
  # shellcheck disable=SC2086
  java ${JAVA_OPTS:-} -jar "$JAR" --server.port="$APP_PORT" --cachelab.engine.port="$APP_ENGINE_PORT" \
    --spring.data.redis.port="$APP_ENGINE_PORT" ${APP_ARGS:-} >"$WORK/app.log" 2>&1 &
  APP_PID=$!
  BASE_URL="http://127.0.0.1:$APP_PORT"
  echo "$NAME: started the app (pid $APP_PID) on $BASE_URL, embedded engine on $APP_ENGINE_PORT; log $WORK/app.log" >&2
  wait_for_health "$BASE_URL" "$APP_PID" "$WORK/app.log"
}

# The load generator: LOAD=wrk (the default when wrk is installed; bench/wrk-load.lua) or LOAD=httpload
# (bench/HttpLoad.java, JDK only). Both send the same requests and print the same RESULT line; wrk's
# two C threads leave the 2 cores to the service, where HttpLoad's JVM with a thread per worker takes
# a large share of them itself. The tables say which one ran.
LOAD="${LOAD:-$(command -v wrk >/dev/null 2>&1 && echo wrk || echo httpload)}"

# Runs the load generator with HttpLoad's options; prints its report on stderr and the RESULT line on
# stdout. Stops the script with the generator's message when the run failed (exit 3: too many
# 404/5xx or connection errors).
http_load() {
  local out rc=0
  if [[ "$LOAD" == wrk ]]; then out="$(wrk_load "$@")" || rc=$?
  else out="$(java bench/HttpLoad.java "$@")" || rc=$?
  fi
  grep -v '^RESULT ' <<<"$out" >&2 || true
  if [[ $rc -ne 0 ]]; then
    echo "$NAME: load run failed ($LOAD exit $rc): $*" >&2
    exit "$rc"
  fi
  grep '^RESULT ' <<<"$out"
}

# wrk with bench/wrk-load.lua, given HttpLoad's options (--url --ids --concurrency --duration --warmup
# --method --body --worker-headers --count-header --fail-on --max-fail-ratio --timeout); a warm-up is
# a first wrk run whose numbers are dropped. Durations are whole seconds for wrk (rounded up).
wrk_load() {
  local url="" ids=1-1 conc=16 dur=10s warm=0s method=GET body="" headers="" count="" fail=404,5xx maxfail=0.01 timeout=10s
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --url) url="$2" ;; --ids) ids="$2" ;; --concurrency) conc="$2" ;; --duration) dur="$2" ;;
      --warmup) warm="$2" ;; --method) method="$2" ;; --body) body="$2" ;; --worker-headers) headers="$2" ;;
      --count-header) count="$2" ;; --fail-on) fail="$2" ;; --max-fail-ratio) maxfail="$2" ;; --timeout) timeout="$2" ;;
      *) echo "$NAME: LOAD=wrk does not take $1" >&2; return 1 ;;
    esac
    shift 2
  done
  local origin="${url%%/api/*}" path="/api/${url#*/api/}" threads=$(( conc < 2 ? 1 : 2 ))
  local args=(-t"$threads" -c"$conc" --timeout "$(wrk_seconds "$timeout")s" -s bench/wrk-load.lua "$origin" --
    "url=$path" "ids=$ids" "method=$method" "body=$body" "headers=$headers" "count=$count" "fail=$fail" "max_fail=$maxfail")
  if [[ "$(wrk_seconds "$warm")" -gt 0 ]]; then
    wrk -d"$(wrk_seconds "$warm")s" "${args[@]}" >/dev/null || true
  fi
  wrk -d"$(wrk_seconds "$dur")s" "${args[@]}"
}

wrk_seconds() { # 20s | 300ms | 2 -> whole seconds, at least 1
  case "$1" in
    *ms) echo $(( (${1%ms} + 999) / 1000 )) ;;
    *s) echo $(( ${1%s} > 0 ? ${1%s} : 0 )) ;;
    *) echo "$1" ;;
  esac
}

result_field() { # RESULT-line key
  tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2; found = 1 } END { if (!found) print 0 }'
}
