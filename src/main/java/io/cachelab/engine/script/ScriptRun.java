package io.cachelab.engine.script;

/**
 * One execution of a script or function: who runs it, what it may do, and the state the time
 * limit and SCRIPT KILL / FUNCTION KILL look at. The server creates one per EVAL/FCALL.
 */
public final class ScriptRun {
    /** EVAL family: KEYS/ARGV are globals, errors mention "user_script". */
    public static final int MODE_EVAL = 0;
    /** FCALL family: keys and args are the function's parameters. */
    public static final int MODE_FUNCTION = 1;

    final ScriptHost host;
    final String name;
    final int mode;
    final long busyThresholdMillis;
    final long startNanos = System.nanoTime();
    int resp = 2;
    int replFlags = 3;
    boolean timedOut;
    boolean errorCounted;
    private volatile boolean killed;

    public ScriptRun(ScriptHost host, String name, int mode, long busyThresholdMillis) {
        this.host = host;
        this.name = name;
        this.mode = mode;
        this.busyThresholdMillis = busyThresholdMillis;
    }

    public String name() {
        return name;
    }

    public int mode() {
        return mode;
    }

    /** The protocol the script asked for with redis.setresp (2 unless changed). */
    public int resp() {
        return resp;
    }

    /** What redis.set_repl asked for: bit 1 AOF, bit 2 replicas (3, REPL_ALL, by default). */
    public int replicationFlags() {
        return replFlags;
    }

    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** True once the run passed the busy threshold (other clients get -BUSY). */
    public boolean timedOut() {
        return timedOut;
    }

    /**
     * True when the script's error reply repeats a command error that was counted in the error
     * stats when it happened (redis.call failures), so the server must not count it again.
     */
    public boolean errorAlreadyCounted() {
        return errorCounted;
    }

    /** Makes the script fail at its next instruction; a pcall cannot catch it. */
    public void kill() {
        killed = true;
    }

    public boolean killed() {
        return killed;
    }
}
