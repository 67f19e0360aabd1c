package io.cachelab.engine.sentinel;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Notification and client-reconfiguration scripts (sentinel.c: sentinelScheduleScriptExecution,
 * sentinelRunPendingScripts, sentinelCollectTerminatedScripts, sentinelKillTimedoutScripts): a
 * queue of at most 256 jobs, 16 running at once, retried with back-off when they exit 1 or die by
 * a signal, killed after script-max-runtime. Scripts run in the Sentinel's dir, as Redis's do after
 * it changes into it; Java starts children without our sockets (they are close-on-exec).
 */
final class Scripts {
    static final int MAX_QUEUE = 256, MAX_RUNNING = 16, MAX_RETRY = 10;

    static final class Job {
        final List<String> argv;
        boolean running;
        long startTime;
        int retryNum;
        Process process;

        Job(List<String> argv) {
            this.argv = argv;
        }
    }

    private final Sentinel sentinel;
    private final Path dir;
    final List<Job> queue = new ArrayList<>();

    Scripts(Sentinel sentinel, Path dir) {
        this.sentinel = sentinel;
        this.dir = dir;
    }

    /** A path as the Sentinel sees it: relative ones are relative to dir. */
    Path resolve(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : dir.resolve(p);
    }

    boolean executable(String path) {
        Path p = resolve(path);
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    void schedule(String path, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(path);
        argv.addAll(List.of(args));
        queue.add(new Job(argv));
        if (queue.size() > MAX_QUEUE) {
            for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
                if (!it.next().running) {
                    it.remove();
                    break;
                }
            }
        }
    }

    /** sentinelCallClientReconfScript: master-name role state from-ip from-port to-ip to-port. */
    void clientReconfig(Instance m, String role, String state, Addr from, Addr to) {
        if (m.clientReconfigScript == null) return;
        schedule(m.clientReconfigScript, m.name, role, state, sentinel.announced(from), Integer.toString(from.port()),
                sentinel.announced(to), Integer.toString(to.port()));
    }

    int running() {
        int n = 0;
        for (Job j : queue) if (j.running) n++;
        return n;
    }

    void tick() {
        runPending();
        collect();
        killTimedOut();
    }

    private void runPending() {
        long now = System.currentTimeMillis();
        int running = running();
        for (Job j : queue) {
            if (running >= MAX_RUNNING) break;
            if (j.running || j.startTime != 0 && j.startTime > now) continue;
            j.running = true;
            j.startTime = now;
            j.retryNum++;
            List<String> cmd = new ArrayList<>(j.argv);
            cmd.set(0, resolve(cmd.get(0)).toString());
            try {
                j.process = new ProcessBuilder(cmd).directory(dir.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                running++;
                sentinel.event(Sentinel.DEBUG, "+script-child", null, Long.toString(j.process.pid()));
            } catch (IOException e) {
                j.process = null; // exec failed: Redis's child exits 2
            }
        }
    }

    private void collect() {
        long now = System.currentTimeMillis();
        for (Iterator<Job> it = queue.iterator(); it.hasNext(); ) {
            Job j = it.next();
            if (!j.running) continue;
            int code;
            if (j.process == null) code = 2;
            else if (j.process.isAlive()) continue;
            else code = j.process.exitValue();
            int signal = code > 128 ? code - 128 : 0;
            int exit = signal != 0 ? 0 : code;
            if (j.process != null) sentinel.event(Sentinel.DEBUG, "-script-child", null, j.process.pid() + " " + exit + " " + signal);
            if ((signal != 0 || exit == 1) && j.retryNum != MAX_RETRY) {
                j.running = false;
                j.process = null;
                j.startTime = now + sentinel.timers.scriptRetryDelay * (1L << (j.retryNum - 1));
            } else {
                if (signal != 0 || exit != 0) {
                    sentinel.event(Sentinel.WARNING, "-script-error", null, j.argv.get(0) + " " + signal + " " + exit);
                }
                it.remove();
            }
        }
    }

    private void killTimedOut() {
        long now = System.currentTimeMillis();
        for (Job j : queue) {
            if (j.running && j.process != null && j.process.isAlive() && now - j.startTime > sentinel.timers.scriptMaxRuntime) {
                sentinel.event(Sentinel.WARNING, "-script-timeout", null, j.argv.get(0) + " " + j.process.pid());
                j.process.destroyForcibly();
            }
        }
    }
}
