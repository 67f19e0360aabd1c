#!/usr/bin/env python3
"""The service through a Sentinel failover, measured: how long writes fail, how many requests fail,
and how many acknowledged writes are lost when the master is killed (kill -9) under load.

    python3 tools/sentinel-failover.py                     # all four runs
    python3 tools/sentinel-failover.py --runs plain,wait   # some of them

Each run starts a master and two replicas and three Sentinels (engine processes from
target/cachelab.jar, down-after-milliseconds 2000), and the service (the same jar) with
spring.data.redis.sentinel.* pointing at the Sentinels and its embedded engine off. THREADS
clients POST /api/articles/1/views (INCR of one counter) for DURATION seconds; the master is
killed KILL_AT seconds in. Runs:
  plain        replication as it is: a view is acknowledged once the master has it
  min-replicas min-replicas-to-write 1, min-replicas-max-lag 10 on the servers
  wait         the service WAITs for 1 of the 2 replicas (cachelab.articles.views-wait-replicas=1, 200 ms)
  wait-all     the service WAITs for both replicas (views-wait-replicas=2, 200 ms)
Lost acknowledged writes are counted from the counter's values: INCRs on one key are serialised,
so each value is handed out once per history. The promoted replica resumes from the value it held,
and hands out again every value the old master had acknowledged above it: an acknowledged value
seen twice is an acknowledged write the failover dropped. (A lost write whose value the new master
handed to a request that then failed is not seen, so this is a lower bound, exact in practice.)
Every process listens on 127.0.0.1 and is stopped by its PID at the end. Stdlib only.
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("split_brain", os.path.join(ROOT, "tools", "split-brain.py"))
_sb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sb)
Conn, free_port = _sb.Conn, _sb.free_port
JAR = os.path.join(ROOT, "target", "cachelab.jar")
JVM = ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]


def wait_until(cond, secs, what):
    deadline = time.time() + secs
    while time.time() < deadline:
        try:
            if cond():
                return
        except (OSError, ConnectionError, ValueError):
            pass
        time.sleep(0.1)
    raise SystemExit("timed out waiting for " + what)


def info(port, section):
    c = Conn(port)
    try:
        text = c.call("INFO", section)
    finally:
        c.close()
    return dict(l.split(":", 1) for l in text.split("\r\n") if ":" in l)


class Set:
    def __init__(self, work, server_args, service_args):
        self.work, self.procs = work, []
        self.ports = [free_port() for _ in range(3)]
        self.sentinels = [free_port() for _ in range(3)]
        m = self.ports[0]
        for i, p in enumerate(self.ports):
            d = os.path.join(work, "r%d" % p)
            os.makedirs(d)
            args = ["--port", str(p), "--dir", d, "--logfile", "log.txt", "--save", ""] + server_args
            if i:
                args += ["--replicaof", "127.0.0.1 %d" % m]
            self.procs.append(self.start(JVM + ["-jar", JAR, "engine"] + args))
        self.master_proc = self.procs[0]
        for p in self.ports[1:]:
            wait_until(lambda: info(p, "replication").get("master_link_status") == "up", 30, "replica %d" % p)
        for p in self.sentinels:
            d = os.path.join(work, "s%d" % p)
            os.makedirs(d)
            conf = os.path.join(d, "sentinel.conf")
            with open(conf, "w") as f:
                f.write("port %d\ndir %s\nlogfile log.txt\nsentinel monitor mymaster 127.0.0.1 %d 2\n"
                        "sentinel down-after-milliseconds mymaster 2000\nsentinel failover-timeout mymaster 20000\n" % (p, d, m))
            self.procs.append(self.start(JVM + ["-jar", JAR, "sentinel", conf]))
        for p in self.sentinels:
            wait_until(lambda: "slaves=2,sentinels=3" in Conn(p).call("INFO", "sentinel"), 40, "sentinel %d" % p)
        self.http = free_port()
        nodes = ",".join("127.0.0.1:%d" % p for p in self.sentinels)
        svc = ["-jar", JAR, "--server.port=%d" % self.http, "--cachelab.engine.enabled=false",
               "--spring.data.redis.sentinel.master=mymaster", "--spring.data.redis.sentinel.nodes=" + nodes,
               "--spring.data.redis.timeout=2s", "--logging.level.root=WARN"] + service_args
        self.procs.append(self.start(["java"] + svc, log=os.path.join(work, "service.log")))
        wait_until(lambda: b"UP" in urllib.request.urlopen("http://127.0.0.1:%d/actuator/health" % self.http, timeout=2).read(),
                   120, "the service")

    def start(self, cmd, log=os.devnull):
        return subprocess.Popen(cmd, stdout=open(log, "w"), stderr=subprocess.STDOUT, cwd=self.work)

    def master(self):
        c = Conn(self.sentinels[0])
        try:
            return int(c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")[1])
        finally:
            c.close()

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()


def load(s, threads, duration, kill_at):
    results, lock = [], threading.Lock()
    start = time.time()
    url = "http://127.0.0.1:%d/api/articles/1/views" % s.http

    def client():
        while time.time() - start < duration:
            t0 = time.time() - start
            try:
                with urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=10) as r:
                    rec = (t0, time.time() - start, r.status, json.loads(r.read())["views"])
            except urllib.error.HTTPError as e:
                rec = (t0, time.time() - start, e.code, None)
            except OSError:
                rec = (t0, time.time() - start, 0, None)
            with lock:
                results.append(rec)

    ts = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    for t in ts:
        t.start()
    time.sleep(kill_at)
    s.master_proc.kill()  # SIGKILL
    killed = time.time() - start
    for t in ts:
        t.join()
    return results, killed


def report(name, results, killed, old_master, new_master):
    ok = [r for r in results if r[2] == 200]
    failed = [r for r in results if r[2] != 200]
    after = [r for r in failed if r[1] >= killed]
    last_fail = max((r[1] for r in failed), default=killed)
    back = min((r[1] for r in ok if r[0] >= last_fail - 0.001 or r[1] > last_fail), default=None)
    seen, lost = set(), 0
    for r in ok:
        if r[3] in seen:
            lost += 1
        seen.add(r[3])
    print("%-13s master :%d killed at %.1f s -> :%d; %d requests, %d acknowledged, %d failed (%d after the kill); "
          "writes succeed again %s after the kill; acknowledged writes lost: %s"
          % (name, old_master, killed, new_master, len(results), len(ok), len(failed), len(after),
             "%.2f s" % (back - killed) if back else "never", lost))
    codes = {}
    for r in failed:
        codes[r[2]] = codes.get(r[2], 0) + 1
    if codes:
        print("              failures by status: " + ", ".join("%s: %d" % (k or "no answer", v) for k, v in sorted(codes.items())))


RUNS = {
    "plain": ([], []),
    "min-replicas": (["--min-replicas-to-write", "1", "--min-replicas-max-lag", "10"], []),
    "wait": ([], ["--cachelab.articles.views-wait-replicas=1", "--cachelab.articles.views-wait-timeout-ms=200"]),
    "wait-all": ([], ["--cachelab.articles.views-wait-replicas=2", "--cachelab.articles.views-wait-timeout-ms=200"]),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", default="plain,min-replicas,wait,wait-all")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--duration", type=float, default=20)
    ap.add_argument("--kill-at", type=float, default=5)
    a = ap.parse_args()
    if not os.path.exists(JAR):
        sys.exit("build the jar first: ./mvnw -q -DskipTests package")
    for name in a.runs.split(","):
        work = tempfile.mkdtemp(prefix="sentinel-failover-")
        s = None
        try:
            s = Set(work, *RUNS[name])
            old = s.master()
            results, killed = load(s, a.threads, a.duration, a.kill_at)
            report(name, results, killed, old, s.master())
        finally:
            if s:
                s.stop()
            if os.environ.get("KEEP"):
                print("              kept " + work)
            else:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
