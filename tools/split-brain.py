#!/usr/bin/env python3
"""Split brain, measured: a master cut off from its replicas keeps taking writes that are lost
when it rejoins as a replica of the promoted one, and min-replicas-to-write bounds that loss.

    python3 tools/split-brain.py                  # the engine (target/cachelab.jar), both runs
    python3 tools/split-brain.py --server redis   # the same against real redis-server processes
    python3 tools/split-brain.py --sentinel       # three Sentinels do the promotion and the rejoin

Three servers: M, and replicas R1, R2 that reach M through a TCP relay in this script (the
"network" that is cut). A client on M's side of the cut writes SET w:<n> 1 about every
millisecond. At the cut the relay stops passing bytes (no FIN: a partition, not a crash). After
repl-timeout the replicas notice; R1 is promoted (REPLICAOF NO ONE) and R2 follows it, as
Sentinel would do. After PARTITION seconds the cut heals and M is made a replica of R1. Every
write M acknowledged after the cut is then checked on R1. Run twice: without min-replicas, and
with min-replicas-to-write 1 / min-replicas-max-lag 2 on M. Servers listen on 127.0.0.1 only and
are stopped by PID at the end. Stdlib only.

With --sentinel, three Sentinels (the engine's, or redis-sentinel with --server redis; quorum 2,
down-after-milliseconds 2000) watch M through a relay that is cut too, so they see what the
replicas see: they promote a replica, repoint the other, and when the cut heals they turn M into
a replica of the new master themselves (+convert-to-slave); the lost writes are counted there.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Conn:
    """A minimal RESP client (enough for replies of simple strings, errors, integers, bulks)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = str(a).encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        return self._reply()

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self.buf += self.sock.recv(65536)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data.decode(errors="replace")
        if kind == b"*":
            return [self._reply() for _ in range(int(rest))]
        raise ValueError(line)

    def close(self):
        self.sock.close()


class Relay:
    """127.0.0.1:listen -> 127.0.0.1:target; cut() stops passing bytes without closing anything."""

    def __init__(self, target):
        self.target = target
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        self.open = threading.Event()
        self.open.set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                a, _ = self.server.accept()
            except OSError:
                return
            b = socket.create_connection(("127.0.0.1", self.target))
            for x, y in ((a, b), (b, a)):
                threading.Thread(target=self._pipe, args=(x, y), daemon=True).start()

    def _pipe(self, src, dst):
        while True:
            self.open.wait()
            try:
                data = src.recv(65536)
            except OSError:
                return
            self.open.wait()  # bytes read just before the cut are held too
            if not data:
                return  # a FIN after the cut never arrives: the relay stays blocked above
            try:
                dst.sendall(data)
            except OSError:
                return

    def cut(self):
        self.open.clear()

    def heal(self):
        self.open.set()


def start_server(kind, port, workdir, extra):
    d = os.path.join(workdir, str(port))
    os.makedirs(d)
    if kind == "engine":
        cmd = ["java", "-jar", os.path.join(ROOT, "target", "cachelab.jar"), "engine"]
    else:
        cmd = ["redis-server"]
    cmd += ["--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--save", "", "--repl-timeout", "2",
            "--repl-diskless-sync-delay", "0"] + extra
    log = open(os.path.join(d, "log"), "w")
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            c = Conn(port)
            if c.call("PING") == "PONG":
                return p, c
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("server on port %d did not start" % port)


def stop_all(procs):
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


def start_sentinel(kind, port, workdir, master_port):
    d = os.path.join(workdir, "s%d" % port)
    os.makedirs(d)
    conf = os.path.join(d, "sentinel.conf")
    with open(conf, "w") as f:
        f.write("port %d\nbind 127.0.0.1\ndir %s\nlogfile log.txt\nsentinel monitor m 127.0.0.1 %d 2\n"
                "sentinel down-after-milliseconds m 2000\nsentinel failover-timeout m 10000\n" % (port, d, master_port))
    cmd = (["java", "-jar", os.path.join(ROOT, "target", "cachelab.jar"), "sentinel"] if kind == "engine"
           else ["redis-sentinel"]) + [conf]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    wait_until(lambda: _pong(port), "sentinel %d" % port)
    return p


def _pong(port):
    try:
        return Conn(port).call("PING") == "PONG"
    except OSError:
        return False


def wait_until(cond, what, timeout=30):
    deadline = time.time() + timeout
    while not cond():
        if time.time() > deadline:
            raise SystemExit("timed out waiting for " + what)
        time.sleep(0.05)


def info_field(c, section, field):
    for line in c.call("INFO", section).splitlines():
        if line.startswith(field + ":"):
            return line.split(":", 1)[1]
    return None


def start_set(kind, min_replicas, workdir, procs, relay_count):
    """M (with the min-replicas guard if asked), R1 and R2 replicating from M through relays[0] and
    relays[1]; started processes are appended to procs (stopped by the caller)."""
    extra = ["--min-replicas-to-write", "1", "--min-replicas-max-lag", "2"] if min_replicas else []
    ports = [free_port() for _ in range(3)]
    conns = []
    for i in range(3):
        p, c = start_server(kind, ports[i], workdir, extra if i == 0 else [])
        procs.append(p)
        conns.append(c)
    relays = [Relay(ports[0]) for _ in range(relay_count)]
    for r, relay in zip(conns[1:], relays):
        r.call("REPLICAOF", "127.0.0.1", relay.port)
    for r in conns[1:]:
        wait_until(lambda: info_field(r, "replication", "master_link_status") == "up", "the replicas to sync")
    return ports, conns, relays


def run(kind, min_replicas, partition_s, workdir, sentinel=False):
    if sentinel:
        return run_sentinel(kind, min_replicas, partition_s, workdir)
    return run_manual(kind, min_replicas, partition_s, workdir)


def run_sentinel(kind, min_replicas, partition_s, workdir):
    procs = []
    try:
        # R1's, R2's, and the Sentinels' way to M
        ports, (m, r1, r2), relays = start_set(kind, min_replicas, workdir, procs, 3)
        sports = [free_port() for _ in range(3)]
        procs += [start_sentinel(kind, p, workdir, relays[2].port) for p in sports]
        for p in sports:
            wait_until(lambda: "slaves=2,sentinels=3" in Conn(p).call("INFO", "sentinel"), "sentinel %d to discover" % p, 60)
        writer = Conn(ports[0])
        n, accepted_after, refused_at = 0, [], None
        end = time.time() + 2
        while time.time() < end:
            n += 1
            writer.call("SET", "w:%d" % n, "1")
            time.sleep(0.001)
        before = n
        for relay in relays:
            relay.cut()
        cut_at = time.time()
        end = cut_at + partition_s
        while time.time() < end:
            n += 1
            reply = writer.call("SET", "w:%d" % n, "1")
            if reply == "OK":
                accepted_after.append(n)
            elif refused_at is None:
                refused_at = time.time()
                print("  M refused a write %.1f s after the cut: %s" % (refused_at - cut_at, reply))
            time.sleep(0.001)
        s0 = Conn(sports[0])
        new_port = int(s0.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m")[1])
        for relay in relays:
            relay.heal()
        healed = time.time()
        # a fresh connection each time: the Sentinel's REPLICAOF ends with CLIENT KILL TYPE normal
        wait_until(lambda: info_field(Conn(ports[0]), "replication", "role") == "slave"
                   and info_field(Conn(ports[0]), "replication", "master_link_status") == "up",
                   "the Sentinels to make M a replica", 60)
        rejoined = time.time() - healed
        nm = Conn(new_port)
        lost = sum(1 for k in accepted_after if nm.call("EXISTS", "w:%d" % k) == 0)
        kept_before = sum(1 for k in range(1, before + 1) if nm.call("EXISTS", "w:%d" % k) == 1)
        label = "min-replicas-to-write 1, min-replicas-max-lag 2" if min_replicas else "no min-replicas"
        print("%s + Sentinels (%s): %d writes before the cut, all %s; the Sentinels promoted :%d during the %d s "
              "partition; M acknowledged %d writes meanwhile; M rejoined as a replica %.1f s after the cut healed, "
              "and the new master lacks %d of them"
              % (kind, label, before, "kept" if kept_before == before else "NOT kept (%d)" % kept_before, new_port,
                 partition_s, len(accepted_after), rejoined, lost))
        return len(accepted_after), lost
    finally:
        stop_all(procs)


def run_manual(kind, min_replicas, partition_s, workdir):
    procs = []
    try:
        ports, (m, r1, r2), relays = start_set(kind, min_replicas, workdir, procs, 2)
        writer = Conn(ports[0])
        n = 0
        accepted_after = []
        refused_at = None

        def write_for(seconds, after_cut):
            nonlocal n, refused_at
            end = time.time() + seconds
            while time.time() < end:
                n += 1
                reply = writer.call("SET", "w:%d" % n, "1")
                if reply == "OK" and after_cut:
                    accepted_after.append(n)
                elif isinstance(reply, RuntimeError) and refused_at is None and after_cut:
                    refused_at = time.time()
                    refusal = str(reply)
                    print("  M refused a write %.1f s after the cut: %s" % (refused_at - cut_at, refusal))
                time.sleep(0.001)

        write_for(2, False)
        before = n
        for relay in relays:
            relay.cut()
        cut_at = time.time()
        # the replicas' side: notice the silent master, promote R1, point R2 at it (Sentinel's job)
        promoter = threading.Thread(target=lambda: (
            wait_until(lambda: info_field(r1, "replication", "master_link_status") == "down", "R1 to lose M"),
            r1.call("REPLICAOF", "NO", "ONE"),
            r2.call("REPLICAOF", "127.0.0.1", ports[1])))
        promoter.start()
        write_for(partition_s, True)
        promoter.join()
        promoted_after = info_field(r1, "replication", "role")
        # heal: the old master comes back and is made a replica of the new one
        m.call("REPLICAOF", "127.0.0.1", ports[1])
        wait_until(lambda: info_field(m, "replication", "master_link_status") == "up", "M to sync from R1")
        lost = sum(1 for k in accepted_after if r1.call("EXISTS", "w:%d" % k) == 0)
        kept_before = sum(1 for k in range(1, before + 1) if r1.call("EXISTS", "w:%d" % k) == 1)
        label = "min-replicas-to-write 1, min-replicas-max-lag 2" if min_replicas else "no min-replicas"
        print("%s (%s): %d writes before the cut, all %s on R1; M acknowledged %d writes during the %d s "
              "partition; R1 (%s) lacks %d of them after M rejoined as its replica"
              % (kind, label, before, "kept" if kept_before == before else "NOT kept (%d)" % kept_before,
                 len(accepted_after), partition_s, promoted_after, lost))
        return len(accepted_after), lost
    finally:
        stop_all(procs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", choices=["engine", "redis"], default="engine")
    ap.add_argument("--partition", type=int, default=10, help="seconds the cut lasts (default 10)")
    ap.add_argument("--sentinel", action="store_true", help="Sentinels promote and rejoin, through the cut too")
    args = ap.parse_args()
    if args.server == "engine" and not os.path.exists(os.path.join(ROOT, "target", "cachelab.jar")):
        raise SystemExit("build target/cachelab.jar first (./mvnw -q -DskipTests package)")
    workdir = tempfile.mkdtemp(prefix="split-brain-")
    try:
        run(args.server, False, args.partition, workdir, args.sentinel)
        run(args.server, True, args.partition, workdir, args.sentinel)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
