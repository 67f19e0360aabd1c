package io.cachelab.engine.dispatch;

/**
 * What the engine knows of a command beyond Redis's flags: the rules Redis writes as comparisons of
 * command procedures (c->cmd->proc == execCommand ...) in processCommand, call and friends, declared
 * once where the family binds the command instead of as name lists in the dispatcher.
 */
public enum Trait {
    /** Transactions and scripts: replicated and written to the AOF as the commands they ran, never as themselves. */
    PROPAGATES_BY_EFFECTS,
    /** MULTI, EXEC, DISCARD, WATCH, QUIT, RESET: run inside MULTI rather than queued. */
    TRANSACTION_CONTROL,
    /** Allowed in a RESP2 pub/sub context: (P|S)(UN)SUBSCRIBE, PING, QUIT, RESET. */
    SUBSCRIBED_CONTEXT,
    /** (Un)subscribe confirmations are pushes: CLIENT REPLY OFF/SKIP does not silence them. */
    PUSHES_REPLY,
    /** EVAL_RO, EVALSHA_RO, FCALL_RO: tracking follows the read commands their scripts call, not their own keys. */
    SCRIPT_RUNNER_READONLY,
    /** EVAL, EVALSHA, FCALL: whether they write depends on the flags the script declares. */
    SCRIPT_RUNNER
}
