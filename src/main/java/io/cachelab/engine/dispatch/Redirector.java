package io.cachelab.engine.dispatch;

import io.cachelab.engine.net.Client;

/**
 * processCommand's cluster step (server.c): before a command with keys runs, the cluster may send
 * the client elsewhere (-MOVED, -ASK) or refuse it (-CROSSSLOT, -TRYAGAIN, -CLUSTERDOWN). Declared
 * here so the dispatcher runs the check without knowing the cluster; set only in cluster mode.
 */
public interface Redirector {
    /**
     * The error to answer instead of running the command here, or null to run it. write: the
     * command may write (its flags, a queued write in EXEC, a script declaring it may write).
     */
    String redirect(Client c, CommandSpec spec, byte[][] argv, boolean write);

    /**
     * scriptVerifyClusterState (script.c): a script's redis.call may touch only keys served here,
     * judged with its caller's ASKING/READONLY. The slot of the call's keys, -1 when it has none;
     * a RedisError with the script error text when they are not served here.
     */
    int scriptSlot(Client caller, CommandSpec spec, byte[][] argv);
}
