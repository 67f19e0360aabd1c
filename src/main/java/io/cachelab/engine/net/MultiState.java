package io.cachelab.engine.net;

import java.util.ArrayList;
import java.util.List;

/**
 * A client's transaction, as multiState and the CLIENT_MULTI / CLIENT_DIRTY_EXEC / CLIENT_DIRTY_CAS
 * flags of Redis's multi.c: the commands queued since MULTI, whether a queuing error makes EXEC
 * answer EXECABORT, whether a touched WATCHed key makes it answer null, and whether EXEC is running
 * the queue right now.
 */
public final class MultiState {
    private boolean active;
    private boolean execDirty;
    private boolean casDirty;
    private boolean executing;
    private final List<byte[][]> queued = new ArrayList<>();

    /** Inside MULTI (CLIENT_MULTI). */
    public boolean active() {
        return active;
    }

    public void begin() {
        active = true;
    }

    /** queueMultiCommand. */
    public void queue(byte[][] argv) {
        queued.add(argv);
    }

    public List<byte[][]> queued() {
        return queued;
    }

    /** flagTransaction: a command was refused while queuing, EXEC will abort. */
    public void flagExecDirty() {
        if (active) execDirty = true;
    }

    public boolean execDirty() {
        return execDirty;
    }

    /** A WATCHed key changed (or WATCH starts afresh): EXEC answers null. */
    public void casDirty(boolean dirty) {
        casDirty = dirty;
    }

    public boolean casDirty() {
        return casDirty;
    }

    /** EXEC is running the queued commands. */
    public boolean executing() {
        return executing;
    }

    public void executing(boolean running) {
        executing = running;
    }

    /** discardTransaction: leaves MULTI, forgetting what was queued (CAS state is WATCH's to clear). */
    public void discard() {
        active = false;
        execDirty = false;
        queued.clear();
    }
}
