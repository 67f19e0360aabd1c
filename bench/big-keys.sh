#!/usr/bin/env bash
# Big keys: what removing one set of a million members costs the server's command thread, by DEL,
# by UNLINK and by expiry, on the engine and on a real redis-server side by side.
#
# Redis frees a value where it is removed (lazyfree.c): DEL and a key expired by the active cycle
# walk all of its members on the command thread (lazyfree-lazy-user-del / -lazy-expire are "no" by
# default); UNLINK hands a value of more than 64 allocations to a background thread. The engine
# drops a reference and leaves the members to the JVM's garbage collector, so the question is
# where its cost shows instead. For each way of removal the script prints:
#   command      the command's own time in SLOWLOG (slowlog-log-slower-than 0), microseconds
#   ping max     the longest PING round trip another client saw from 0.2 s before the removal
#                until 1 s after it (the stall every other client shares), milliseconds
#   lazyfreed    INFO's lazyfreed_objects gained (UNLINK: 1 when the value went to the background)
#   expire-cycle LATENCY LATEST's worst expire-cycle event (latency-monitor-threshold 1 ms;
#                "-" when no cycle took 1 ms), the event Redis's Tcl test "LATENCY of expire
#                events are correctly collected" waits for at a 20 ms threshold
#   GC pause     the engine JVM's longest collector pause (-Xlog:gc,gc+phases, wall-clock times)
#                inside the PING windows above, and while the set was being written (SADD): where a
#                garbage-collected heap pays for a big key instead ("n/a" for Redis). G1 by default;
#                JAVA_OPTS=-XX:+UseZGC measures ZGC's pauses (its phases log them)
#
#   bench/big-keys.sh                 # MEMBERS=1000000
#   MEMBERS=100000 bench/big-keys.sh
# Env: MEMBERS, JAVA_OPTS (engine JVM flags), ENGINE_CMD (see bench/lib.sh; {gclog} is replaced by
# the GC log's path, e.g. -Xlog:gc:file={gclog}:utctime). Needs: java 17, redis-server, redis-cli,
# python3. BenchToolsTest runs it with MEMBERS=5000.
# The set is written in SADD commands of 1,000 members, pipelined, each time it is removed.
set -euo pipefail

MEMBERS="${MEMBERS:-1000000}"
[[ "$MEMBERS" =~ ^[1-9][0-9]*$ ]] || { echo "big-keys: MEMBERS must be a positive integer, not '$MEMBERS'" >&2; exit 2; }

cd "$(dirname "$0")/.."
NAME=big-keys
# shellcheck source=bench/lib.sh
. bench/lib.sh
require_tools java redis-server redis-cli python3
ensure_jar
# the engine's collector pauses, logged with wall-clock times so each can be put in its phase
GCLOG="$(mktemp -t big-keys-gc.XXXXXX)"
JAVA_OPTS="${JAVA_OPTS:-} -Xlog:gc,gc+phases:file=$GCLOG:utctime"
# ENGINE_CMD (bench/lib.sh) runs another engine command; {gclog} in it is that log's path
if [[ -n "${ENGINE_CMD:-}" ]]; then ENGINE_CMD="${ENGINE_CMD//\{gclog\}/$GCLOG}"; fi
start_pair
trap 'cleanup_pair; rm -f "$GCLOG"' EXIT INT TERM
echo "big-keys: one set of $MEMBERS integer members; engine pid $ENGINE_PID (port $ENGINE_PORT), redis-server $(redis-server --version | awk '{print $3}' | cut -d= -f2) pid $REDIS_PID (port $REDIS_PORT)" >&2

measure() { # port [gc-log]: prints "del_us del_ping unlink_us unlink_ping lazyfreed expire_ms expire_ping gc_fill gc_windows"
  python3 - "$1" "$MEMBERS" "${2:-}" <<'PY'
import re, socket, sys, threading, time
from datetime import datetime

port, members, gclog = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
fills, windows = [], []

def longest_pause(spans):
    """The longest collector pause (ms) that ended inside one of the spans; "n/a" without a GC log."""
    if not gclog:
        return "n/a"
    longest = 0.0
    with open(gclog) as f:
        for line in f:
            m = re.match(r"\[(\S+)\].* Pause .* ([0-9.]+)ms$", line.strip())
            if m:
                end = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
                if any(t0 <= end <= t1 for t0, t1 in spans):
                    longest = max(longest, float(m.group(2)))
    return "%.2f" % longest

class Conn:
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.f = self.s.makefile("rb")

    def send(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.s.sendall(b"".join(out))

    def read(self):
        line = self.f.readline()
        kind, rest = line[:1], line[1:-2]
        if kind in (b"+", b":"):
            return int(rest) if kind == b":" else rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2].decode()
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError("unexpected reply %r" % line)

    def call(self, *args):
        self.send(*args)
        return self.read()

class Pinger(threading.Thread):
    """Another client's view: PING round trips until stopped; keeps the longest."""
    def __init__(self):
        super().__init__(daemon=True)
        self.conn, self.longest, self.halt = Conn(), 0.0, threading.Event()

    def run(self):
        while not self.halt.is_set():
            t = time.perf_counter()
            self.conn.call("PING")
            self.longest = max(self.longest, time.perf_counter() - t)
            time.sleep(0.0005)  # a PING any 0.5 ms: a stall still holds one up, the SLOWLOG keeps room

    def stop_ms(self):
        self.halt.set()
        self.join()
        return self.longest * 1000

c = Conn()

def fill():
    t0 = time.time()
    batch = 1000
    sent = 0
    for start in range(0, members, batch):
        c.send("SADD", "bigset", *range(start, min(start + batch, members)))
        sent += 1
    for _ in range(sent):
        c.read()
    assert c.call("SCARD", "bigset") == members
    fills.append((t0, time.time()))

def lazyfreed():
    info = c.call("INFO", "memory")
    return int(next(l.split(":")[1] for l in info.split("\r\n") if l.startswith("lazyfreed_objects:")))

def warm_up():
    """Runs each way of removal 20,000 times on small sets first, so the engine's JIT has compiled
    those paths (a cold DEL includes class loading and the interpreter) and both servers are measured
    warm; each small set is a hashtable too (string members), as the big one is."""
    for i in range(20000):
        c.send("SADD", "warm:%d" % i, *("m%d" % j for j in range(100)))
        c.send("DEL" if i % 3 == 0 else "UNLINK" if i % 3 == 1 else "PEXPIRE", "warm:%d" % i, *([] if i % 3 < 2 else [1]))
    for _ in range(40000):
        c.read()
    while c.call("DBSIZE") != 0:
        time.sleep(0.01)

def settle():
    """After the fill, one second for the engine's collector to finish what the fill's allocation
    started (its young collections copy the growing set), so the window shows the removal."""
    time.sleep(1.0)

def removal(cmd):
    fill()
    settle()
    before = lazyfreed()
    c.call("SLOWLOG", "RESET")
    pinger = Pinger()
    t0 = time.time()
    pinger.start()
    time.sleep(0.2)
    assert c.call(cmd, "bigset") == 1
    # read at once: the pinger's PINGs are logged too and would push the entry out in time
    log = c.call("SLOWLOG", "GET", "128")
    found = [e[2] for e in log if e[3][0].upper() == cmd]
    if not found:
        raise RuntimeError("no %s in SLOWLOG GET 128 on port %d: %r" % (cmd, port, log[:5]))
    us = max(found)
    time.sleep(1.0)
    ping = pinger.stop_ms()
    windows.append((t0, time.time()))
    return us, ping, lazyfreed() - before

def expiry():
    c.call("CONFIG", "SET", "latency-monitor-threshold", "1")
    fill()
    settle()
    c.call("LATENCY", "RESET")
    pinger = Pinger()
    t0 = time.time()
    pinger.start()
    time.sleep(0.2)
    c.call("PEXPIRE", "bigset", "50")
    deadline = time.time() + 10
    while c.call("DBSIZE") != 0:  # DBSIZE does not touch the key: only the active cycle removes it
        if time.time() > deadline:
            raise RuntimeError("bigset did not expire within 10 s")
        time.sleep(0.01)
    time.sleep(1.0)
    ping = pinger.stop_ms()
    windows.append((t0, time.time()))
    worst = [e[3] for e in c.call("LATENCY", "LATEST") if e[0] == "expire-cycle"]
    return (str(worst[0]) if worst else "-"), ping

c.call("FLUSHALL")
warm_up()
c.call("CONFIG", "SET", "slowlog-log-slower-than", "0")
del_us, del_ping, _ = removal("DEL")
unlink_us, unlink_ping, freed = removal("UNLINK")
expire_ms, expire_ping = expiry()
time.sleep(0.2)  # the log line of a pause is written as it ends
print(del_us, "%.1f" % del_ping, unlink_us, "%.1f" % unlink_ping, freed, expire_ms, "%.1f" % expire_ping,
      longest_pause(fills), longest_pause(windows))
PY
}

engine="$(measure "$ENGINE_PORT" "$GCLOG")"
redis="$(measure "$REDIS_PORT")"
read -r e_del e_delp e_unl e_unlp e_freed e_exp e_expp e_gcf e_gcw <<<"$engine"
read -r r_del r_delp r_unl r_unlp r_freed r_exp r_expp r_gcf r_gcw <<<"$redis"

printf '%-46s %12s %12s\n' "one set of $MEMBERS members" engine redis
printf '%-46s %12s %12s\n' "DEL: command time (us)" "$e_del" "$r_del"
printf '%-46s %12s %12s\n' "DEL: longest PING of another client (ms)" "$e_delp" "$r_delp"
printf '%-46s %12s %12s\n' "UNLINK: command time (us)" "$e_unl" "$r_unl"
printf '%-46s %12s %12s\n' "UNLINK: longest PING (ms)" "$e_unlp" "$r_unlp"
printf '%-46s %12s %12s\n' "UNLINK: lazyfreed_objects gained" "$e_freed" "$r_freed"
printf '%-46s %12s %12s\n' "expiry: worst expire-cycle (ms)" "$e_exp" "$r_exp"
printf '%-46s %12s %12s\n' "expiry: longest PING (ms)" "$e_expp" "$r_expp"
printf '%-46s %12s %12s\n' "JVM: longest GC pause in those windows (ms)" "$e_gcw" "$r_gcw"
printf '%-46s %12s %12s\n' "JVM: longest GC pause writing the set (ms)" "$e_gcf" "$r_gcf"
