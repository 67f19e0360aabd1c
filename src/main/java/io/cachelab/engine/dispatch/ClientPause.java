package io.cachelab.engine.dispatch;

import io.cachelab.engine.net.Client;
import io.cachelab.engine.table.CommandFlag;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * CLIENT PAUSE, as pauseClients/unpauseClients in Redis's networking.c: until a deadline, every
 * command (ALL) or every command that may write (WRITE) is held back, its client blocked as Redis's
 * BLOCKED_POSTPONE, and processed from the start when the pause ends. Replicas are never paused.
 * Checked by the dispatcher in processCommand's order, so a command that fails an earlier check
 * (arity, ACL...) is answered at once.
 */
public final class ClientPause {
    /** Whether an EVAL/EVALSHA/FCALL declares no-writes (scripting answers; null: treat as a writer). */
    @FunctionalInterface
    public interface ScriptWrites {
        boolean declaresNoWrites(byte[][] argv, boolean function);
    }

    private final List<Client> paused = new ArrayList<>();
    private final Consumer<Client> resume;
    private ScriptWrites scriptWrites = (argv, function) -> false;
    private long untilMs;
    private boolean writesOnly;

    /** {@code resume} processes a released client's held command and what followed it. */
    public ClientPause(Consumer<Client> resume) {
        this.resume = resume;
    }

    public void setScriptWrites(ScriptWrites scriptWrites) {
        this.scriptWrites = scriptWrites;
    }

    public void pause(long untilMs, boolean writesOnly) {
        this.untilMs = untilMs;
        this.writesOnly = writesOnly;
    }

    /** unpauseClients: the held clients run their commands, in the order they were held. */
    public void unpause() {
        untilMs = 0;
        List<Client> held = new ArrayList<>(paused);
        paused.clear();
        for (Client c : held) {
            c.setPaused(false);
            resume.accept(c);
        }
    }

    public boolean isPaused() {
        return untilMs != 0;
    }

    public boolean writesOnly() {
        return writesOnly;
    }

    public int heldClients() {
        return paused.size();
    }

    /** serverCron's check: ends a pause whose time is up. */
    public void cron(long nowMs) {
        if (untilMs != 0 && nowMs >= untilMs) unpause();
    }

    /** Milliseconds until the pause ends, for the event loop's timer; Long.MAX_VALUE if none. */
    public long msUntilEnd(long nowMs) {
        return untilMs == 0 ? Long.MAX_VALUE : Math.max(0, untilMs - nowMs);
    }

    public void clientClosed(Client c) {
        paused.remove(c);
    }

    /** processCommand's pause check: holds {@code argv} if the pause applies to it; true if held. */
    boolean holdIfPaused(Client c, CommandSpec spec, byte[][] argv, Commands table) {
        if (untilMs == 0 || c.isReplica()) return false;
        if (writesOnly && !mayReplicate(c, spec, argv, table)) return false;
        c.setPendingArgv(argv);
        c.setPaused(true);
        if (!paused.contains(c)) paused.add(c);
        return true;
    }

    /** is_may_replicate_command: the command's flags, EXEC's queued commands, a script's declared flags. */
    private boolean mayReplicate(Client c, CommandSpec spec, byte[][] argv, Commands table) {
        if (spec.fullName().equals("exec")) {
            for (byte[][] q : c.multi().queued()) {
                CommandSpec qs = table.resolve(q);
                if (qs != null && mayReplicate(c, qs, q, table)) return true;
            }
            return false;
        }
        if (spec.is(Trait.SCRIPT_RUNNER)) return !scriptWrites.declaresNoWrites(argv, spec.name().startsWith("fcall"));
        return spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.MAY_REPLICATE);
    }
}
