package io.cachelab.engine.script;

/**
 * What a running script needs from the server. Kept as an interface so the Lua side can be tested
 * without a server and the server can run scripts without knowing luaj.
 */
public interface ScriptHost extends ScriptLogger {
    /**
     * Runs one command for the script and returns its reply as RESP bytes in protocol {@code
     * run.resp()}; failures (unknown command, arity, refused by the script's flags) are returned as
     * an error reply ("-ERR ...") like any other.
     */
    byte[] call(ScriptRun run, byte[][] argv);

    /**
     * redis.acl_check_cmd: may the script's user run this command? Null when there is no such
     * command.
     */
    default Boolean aclCheck(ScriptRun run, byte[][] argv) {
        return Boolean.TRUE;
    }

    /**
     * Called from the instruction hook, at most every few milliseconds, once the script has run
     * longer than the busy threshold: the server answers other clients here (-BUSY) and may mark
     * the run killed.
     */
    void busy(ScriptRun run);
}
