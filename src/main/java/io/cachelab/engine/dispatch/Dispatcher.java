package io.cachelab.engine.dispatch;

import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.propagate.Propagation;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.table.CommandFlag;
import io.cachelab.engine.acl.Acl;
import io.cachelab.engine.net.Client;

import java.nio.charset.StandardCharsets;
import io.cachelab.engine.table.GetKeys;

/**
 * processCommand + call from Redis's server.c: look the command up, check arity, authentication,
 * transaction queuing, pub/sub context and busy scripts in Redis's order and with its error texts,
 * then run it and account for it (commandstats, slowlog, MONITOR). After a top-level command, keys
 * that became ready wake blocked clients.
 */
public final class Dispatcher {
    /** The refusal min-replicas-to-write gives a write (checkGoodReplicasStatus). */
    public static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";

    private final DispatchHost server;
    private final Commands table;
    private int depth;

    public Dispatcher(DispatchHost server, Commands table) {
        this.server = server;
        this.table = table;
        this.slowlog = new Slowlog(server.config());
        this.pause = new ClientPause(c -> server.eventLoop().processInput(c));
        // read on every command, so kept as fields and refreshed when CONFIG SET changes them
        latencyTracking = server.config().getBool("latency-tracking");
        latencyThresholdMs = server.config().getLong("latency-monitor-threshold");
        server.config().onChange("latency-tracking", v -> latencyTracking = v.equals("yes"));
        server.config().onChange("latency-monitor-threshold", v -> latencyThresholdMs = Long.parseLong(v));
    }

    private final GetKeys.Found trackedKeys = new GetKeys.Found();
    /** The cluster's slot check, in cluster mode only. */
    private Redirector redirector;

    /** Cluster mode: keyed commands are checked against the slot map before they run. */
    /** evalGetCommandFlags: whether a script runner's script declares it may write. */
    public interface ScriptWrites {
        boolean declaresWrites(byte[][] argv, boolean function);
    }

    private ScriptWrites scriptWrites = (argv, function) -> false;

    public void setScriptWrites(ScriptWrites scriptWrites) {
        this.scriptWrites = scriptWrites;
    }

    /** The cluster's slot check, or null outside cluster mode. */
    public Redirector redirector() {
        return redirector;
    }

    public void setRedirector(Redirector redirector) {
        this.redirector = redirector;
    }
    private final Monitor monitor = new Monitor();
    private final Slowlog slowlog;
    private final ClientPause pause;
    private boolean latencyTracking;
    private long latencyThresholdMs;

    public Monitor monitor() {
        return monitor;
    }

    public Slowlog slowlog() {
        return slowlog;
    }

    public ClientPause pause() {
        return pause;
    }

    public Commands table() {
        return table;
    }

    /** Resolves a container's subcommand; returns null (and replies an error) if it is unknown. */
    private CommandSpec resolve(Client c, CommandSpec cmd, byte[][] argv) {
        if (!cmd.isContainer() || argv.length < 2) return cmd;
        CommandSpec sub = cmd.subcommand(lower(argv[1]));
        if (sub == null) {
            if (cmd.handler() != null) return cmd;
            reject(c, cmd, "ERR unknown subcommand '" + abbreviate(argv[1]) + "'. Try " + cmd.name().toUpperCase() + " HELP.");
            return null;
        }
        return sub;
    }

    public void call(Client c, byte[][] argv) {
        if (depth != 0) {
            dispatch(c, argv, false);
            return;
        }
        server.tracking().commandStarts(c);
        try {
            dispatch(c, argv, true);
        } finally {
            // resetClient: ASKING lasts for the next command only (refused or not), unless in MULTI
            if (c.asking() && !c.multi().active() && !"asking".equals(c.lastCommand())) c.setAsking(false);
            server.tracking().commandEnds(c);
            c.replyBuffer.notePending(c.pendingReplyBytes());
        }
    }

    private void dispatch(Client c, byte[][] argv, boolean topLevel) {
        if (topLevel) server.updateCommandTime();
        CommandSpec spec = lookup(c, argv);
        if (spec == null) return;
        String refusal = refusal(c, spec, argv);
        if (refusal != null) {
            reject(c, spec, refusal);
            return;
        }
        if (!c.scriptClient() && pause.holdIfPaused(c, spec, argv, table)) return;
        if (c.multi().active() && !spec.is(Trait.TRANSACTION_CONTROL)) {
            c.multi().queue(argv);
            c.addSimple("QUEUED");
            return;
        }
        if (c.scriptClient() && spec.has(CommandFlag.NOSCRIPT)) {
            throw new RedisError("ERR This Redis command is not allowed from script");
        }
        execute(c, spec, argv);
        if (topLevel) {
            server.afterCommand();
            // resetClient: CLIENT CACHING lasts for the next command only (a whole MULTI counts as one)
            if (!c.multi().active() && !spec.fullName().equals("client|caching")) c.tracking().caching(false);
        }
    }

    /** commandCheckExistence and commandCheckArity: the command, or null once the error is sent. */
    private CommandSpec lookup(Client c, byte[][] argv) {
        CommandSpec cmd = table.lookup(argv[0]);
        c.setLastCommand(cmd == null ? lower(argv[0]) : cmd.name());
        if (cmd == null) {
            flagTransaction(c);
            c.addError(unknownCommand(argv));
            return null;
        }
        CommandSpec spec = resolve(c, cmd, argv);
        if (spec == null) return null;
        c.setLastCommand(spec.fullName());
        if (!spec.arityOk(argv.length)) {
            reject(c, spec, "ERR wrong number of arguments for '" + spec.fullName() + "' command");
            return null;
        }
        return spec;
    }

    /** As Redis: the arguments are quoted until their text reaches 128 characters. */
    private static String unknownCommand(byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            String arg = abbreviate(argv[i]);
            int room = 128 - args.length();
            args.append('\'').append(arg, 0, Math.min(arg.length(), room)).append("' ");
        }
        return "ERR unknown command '" + abbreviate(argv[0]) + "', with args beginning with: " + args;
    }

    /**
     * processCommand's checks after arity, in Redis's order: authentication, no-multi, ACL, memory,
     * min-replicas, pub/sub context, busy script. The error to answer, or null when the command may
     * run (or be queued).
     */
    private String refusal(Client c, CommandSpec spec, byte[][] argv) {
        if (spec.has(CommandFlag.PROTECTED)) {
            String refused = protectedRefusal(c, spec);
            if (refused != null) return refused;
        }
        if (!c.authenticated() && !c.mustObey() && server.acl().authRequired(c) && !spec.has(CommandFlag.NO_AUTH)) {
            return "NOAUTH Authentication required.";
        }
        if (c.multi().active() && spec.has(CommandFlag.NO_MULTI)) return "ERR Command not allowed inside a transaction";
        // the default user (+@all ~* &*) skips the check on one boolean; the AOF loader is not checked
        if (!c.user().unrestricted() && !c.mustObey()) {
            int denied = server.acl().check(c.user(), spec.def(), argv);
            if (denied != 0) return aclDenied(c, spec, argv, denied, c.multi().active() ? "multi" : "toplevel");
        }
        if (redirector != null && !c.mustObey() && !c.isMaster() && mayRedirect(spec)) {
            boolean write = isWriteCommand(c, spec) || (spec.is(Trait.SCRIPT_RUNNER)
                    && scriptWrites.declaresWrites(argv, spec.name().startsWith("fcall")));
            String redirect = redirector.redirect(c, spec, argv, write);
            if (redirect != null) {
                // a redirected EXEC ends the transaction (discardTransaction); anything else marks it
                if (spec.fullName().equals("exec")) c.multi().discard();
                return redirect;
            }
        }
        String oom = server.oomCheck(spec, c);
        if (oom != null) return oom;
        String disk = diskError(c, spec);
        if (disk != null) return disk;
        if (server.tooFewGoodReplicas() && isWriteCommand(c, spec)) return Dispatcher.NOREPLICAS;
        if (!c.mustObey() && server.readOnlyReplica() && isWriteCommand(c, spec)) {
            return "READONLY You can't write against a read only replica.";
        }
        if (c.isSubscribed() && c.resp() == 2 && !spec.is(Trait.SUBSCRIBED_CONTEXT)) {
            return "ERR Can't execute '" + spec.fullName()
                    + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";
        }
        if (server.staleReplica() && deniedBy(c, spec, CommandFlag.STALE)) {
            return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
        }
        if (server.loading() && deniedBy(c, spec, CommandFlag.LOADING)) return "LOADING Redis is loading the dataset in memory";
        if (server.asyncLoading() && refusedBy(c, spec, CommandFlag.NO_ASYNC_LOADING)) {
            return "LOADING Redis is loading the dataset in memory";
        }
        if (server.scriptBusy() && !c.scriptClient() && !spec.has(CommandFlag.ALLOW_BUSY)) return server.busyError();
        // a replica's link carries REPLCONF ACK, not keyspace commands (nor a way around CLIENT PAUSE)
        if (c.isReplica() && (isWriteCommand(c, spec) || refusedBy(c, spec, CommandFlag.READONLY) || refusedBy(c, spec, CommandFlag.MAY_REPLICATE))) {
            return "ERR Replica can't interact with the keyspace";
        }
        return null;
    }

    /**
     * DEBUG and MODULE LOAD/LOADEX/UNLOAD (CMD_PROTECTED) run only where enable-debug-command or
     * enable-module-command allows them: "yes" everywhere, "local" for a {@link Client#isLocal} one
     * (allowProtectedAction). Checked right after arity, before authentication.
     */
    private String protectedRefusal(Client c, CommandSpec spec) {
        boolean debug = spec.fullName().equals("debug");
        String option = debug ? "enable-debug-command" : "enable-module-command";
        String mode = server.config().getString(option);
        if (mode.equals("yes") || (mode.equals("local") && c.isLocal())) return null;
        return "ERR " + (debug ? "DEBUG" : "MODULE") + " command not allowed. If the " + option
                + " option is set to \"local\", you can run it from a local connection, otherwise you need to set"
                + " this option in the configuration file, and then restart the server.";
    }

    /** The check applies to commands with key specs, movable keys, or EXEC (as processCommand decides). */
    private static boolean mayRedirect(CommandSpec spec) {
        return !spec.def().keySpecs().isEmpty() || spec.has(CommandFlag.MOVABLE_KEYS) || spec.fullName().equals("exec");
    }

    /**
     * is_denystale_command / is_denyloading_command: the command lacks the flag that lets it run,
     * or it is EXEC and a queued command lacks it.
     */
    private boolean deniedBy(Client c, CommandSpec spec, CommandFlag allowing) {
        if (!spec.has(allowing)) return true;
        if (!spec.fullName().equals("exec") || !c.multi().active()) return false;
        for (byte[][] queued : c.multi().queued()) {
            CommandSpec q = table.resolve(queued);
            if (q != null && !q.has(allowing)) return true;
        }
        return false;
    }

    /**
     * writeCommandsDeniedByDiskError: while the last BGSAVE (with save points) or AOF write failed,
     * writes and PING answer -MISCONF (so Sentinel sees the instance as down); the master's stream
     * is still applied.
     */
    private String diskError(Client c, CommandSpec spec) {
        if (c.mustObey() || c.isMaster()) return null;
        String error = server.diskWriteError();
        if (error == null || (!isWriteCommand(c, spec) && !spec.fullName().equals("ping"))) return null;
        return error;
    }

    /** is_deny_async_loading_command: the command, or a command queued for this EXEC, has the flag. */
    private boolean refusedBy(Client c, CommandSpec spec, CommandFlag refusing) {
        if (spec.has(refusing)) return true;
        if (!spec.fullName().equals("exec") || !c.multi().active()) return false;
        for (byte[][] queued : c.multi().queued()) {
            CommandSpec q = table.resolve(queued);
            if (q != null && q.has(refusing)) return true;
        }
        return false;
    }

    /** processCommand's is_write_command: a write command, or EXEC of a transaction that queued one. */
    private boolean isWriteCommand(Client c, CommandSpec spec) {
        if (spec.has(CommandFlag.WRITE)) return true;
        if (!spec.fullName().equals("exec") || !c.multi().active()) return false;
        for (byte[][] queued : c.multi().queued()) {
            CommandSpec q = table.resolve(queued);
            if (q != null && q.has(CommandFlag.WRITE)) return true;
        }
        return false;
    }

    private void flagTransaction(Client c) {
        c.multi().flagExecDirty();
    }

    private void reject(Client c, CommandSpec spec, String error) {
        spec.stats().rejected();
        flagTransaction(c);
        if (spec.fullName().equals("exec") && c.multi().active()) {
            // execCommandAbort: the transaction is over, and the reply says why
            c.multi().discard();
            server.watches().unwatchAll(c);
            c.addError("EXECABORT Transaction discarded because of: " + error);
            return;
        }
        c.addError(error);
    }

    /** Runs a command that passed the checks (also used by EXEC for queued commands). */
    public void execute(Client c, CommandSpec spec, byte[][] argv) {
        // as call(): MONITOR sees a command after it ran, except scripts, shown before their commands
        boolean monitored = !spec.has(CommandFlag.ADMIN);
        boolean monitorFirst = spec.has(CommandFlag.SKIP_MONITOR);
        if (monitorFirst && monitored) monitor.feed(c, argv);
        c.resetRedactions();
        c.setCurrentArgv(argv);
        int mark = c.reply().length();
        long start = System.nanoTime();
        boolean outermost = depth == 0;
        if (outermost) server.tracking().executing(true);
        depth++;
        Propagation prop = server.propagation();
        Database db = c.db();
        long dirtyMark = prop.beforeCall(spec.has(CommandFlag.TOUCHES_ARBITRARY_KEYS));
        long replOffsetMark = server.replOffset();
        try {
            spec.handler().execute(c, argv);
        } catch (RedisError e) {
            spec.stats().failed();
            c.addError(e.getMessage());
        } catch (Throwable e) {
            // a bug must cost one error reply, never a silent client or a dead event loop
            spec.stats().failed();
            server.logError("command " + spec.fullName() + " failed", e);
            c.addError("ERR internal error: " + e);
        } finally {
            depth--;
            // the db the command ran in, even if it was SELECT or MOVE that changed the client's
            prop.afterCall(db.id(), db, spec.fullName(), argv, dirtyMark, spec.is(Trait.PROPAGATES_BY_EFFECTS));
            if (server.replOffset() != replOffsetMark) c.setWriteOffset(server.replOffset());
            if (outermost) server.tracking().executing(false);
        }
        // as the command left it: passwords and ACL rules it redacted show as "(redacted)"
        byte[][] logged = c.loggedArgv(argv);
        if (!monitorFirst && monitored) monitor.feed(c, logged);
        long nanos = System.nanoTime() - start;
        long micros = nanos / 1000;
        // a command that left its client blocked counts one call when it is finally served
        spec.stats().called(micros, !server.blocking().leftBlocked(c));
        // the read-only script runners track only through the read commands their scripts call
        if (spec.has(CommandFlag.READONLY) && !spec.is(Trait.SCRIPT_RUNNER_READONLY)) rememberTrackedKeys(c, spec, argv);
        if (!c.isBlocked()) {
            if (latencyTracking) spec.stats().recordLatency(nanos);
            if (latencyThresholdMs > 0) {
                server.latency().addIfNeeded(latencyThresholdMs, spec.has(CommandFlag.FAST) ? "fast-command" : "command", micros / 1000);
            }
        }
        server.stats().commandProcessed();
        if (!spec.has(CommandFlag.SKIP_SLOWLOG)) slowlog.record(c, logged, micros);
        if (c.hasSocket() && !c.scriptClient() && !c.multi().executing()) applyReplyMode(c, mark, spec);
    }

    /**
     * call()'s tracking step: a read-only command makes its client's keys tracked; inside a script
     * the keys are those the script's caller declared (its EVAL/FCALL keys), as Redis does.
     */
    private void rememberTrackedKeys(Client c, CommandSpec spec, byte[][] argv) {
        Client caller = c.scriptClient() ? server.tracking().current() : c;
        if (caller == null || !caller.tracking().on() || caller.tracking().bcast()) return;
        byte[][] callerArgv = caller == c ? argv : caller.currentArgv();
        CommandSpec callerSpec = caller == c ? spec : table.lookup(callerArgv[0]);
        if (callerSpec == null || callerSpec.has(CommandFlag.PUBSUB)) return;
        trackedKeys.clear();
        GetKeys.keys(callerSpec.def(), callerArgv, trackedKeys);
        if (trackedKeys.count() > 0) server.tracking().remember(caller, trackedKeys, callerArgv);
    }

    /**
     * Runs a queued command for EXEC without re-checking MULTI; the ACL is checked again, as the
     * user's rules may have changed since the command was queued.
     */
    public void executeQueued(Client c, byte[][] argv) {
        CommandSpec cmd = table.lookup(argv[0]);
        CommandSpec sub = !cmd.isContainer() || argv.length < 2 ? null : cmd.subcommand(lower(argv[1]));
        CommandSpec spec = sub == null ? cmd : sub;
        if (!c.user().unrestricted() && !c.mustObey()) {
            int denied = server.acl().check(c.user(), spec.def(), argv);
            if (denied != 0) {
                aclDenied(c, spec, argv, denied, "multi");
                String reason = switch (denied) {
                    case Acl.DENIED_CMD -> "no permission to execute the command or subcommand";
                    case Acl.DENIED_KEY -> "no permission to touch the specified keys";
                    case Acl.DENIED_CHANNEL -> "no permission to access one of the channels used as arguments";
                    default -> "no permission";
                };
                c.addError("NOPERM ACLs rules changed between the moment the transaction was accumulated and the "
                        + "EXEC call. This command is no longer allowed for the following reason: " + reason);
                return;
            }
        }
        execute(c, spec, argv);
    }

    /** Logs an ACL denial (ACL LOG) and returns processCommand's error for it. */
    private String aclDenied(Client c, CommandSpec spec, byte[][] argv, int denied, String context) {
        int pos = server.acl().lastDeniedPos();
        String object = denied == Acl.DENIED_CMD
                ? spec.fullName()
                : new String(argv[pos], StandardCharsets.ISO_8859_1);
        server.acl().addLog(c, denied, context, object, null);
        return switch (denied) {
            case Acl.DENIED_CMD -> "NOPERM this user has no permissions to run the '"
                    + spec.fullName() + "' command";
            case Acl.DENIED_KEY -> "NOPERM this user has no permissions to access one of the keys used as arguments";
            case Acl.DENIED_CHANNEL -> "NOPERM this user has no permissions to access one of the channels used as arguments";
            default -> "no permission";
        };
    }

    private void applyReplyMode(Client c, int mark, CommandSpec spec) {
        // (un)subscribe confirmations are written as CLIENT_PUSHING in Redis: CLIENT REPLY OFF/SKIP
        // does not silence them
        boolean pushing = spec.is(Trait.PUSHES_REPLY);
        if (c.replyMode() == Client.ReplyMode.OFF && !spec.fullName().equals("client|reply")) {
            if (!pushing) c.reply().truncate(mark);
        } else if (c.skipNextReply()) {
            if (!pushing) c.reply().truncate(mark);
            c.setSkipNextReply(false);
        } else if (c.replyMode() == Client.ReplyMode.SKIP) {
            c.setReplyMode(Client.ReplyMode.ON);
            c.setSkipNextReply(true);
        }
    }

    public int depth() {
        return depth;
    }

    public static String lower(byte[] b) {
        char[] cs = new char[b.length];
        for (int i = 0; i < b.length; i++) {
            int x = b[i] & 0xff;
            cs[i] = (char) (x >= 'A' && x <= 'Z' ? x + 32 : x);
        }
        return new String(cs);
    }

    /** One char per byte (ISO-8859-1), so the error reply carries the client's bytes back unchanged. */
    static String abbreviate(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        return s.length() > 128 ? s.substring(0, 128) : s;
    }
}
