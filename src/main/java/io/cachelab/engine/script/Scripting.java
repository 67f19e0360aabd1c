package io.cachelab.engine.script;

import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.table.CommandFlag;
import io.cachelab.engine.acl.Acl;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Dispatcher;
import io.cachelab.engine.dispatch.Redirector;
import io.cachelab.engine.keyspace.KeySlot;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.net.Client;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.luaj.vm2.LuaFunction;

/**
 * The server side of scripting (Redis's eval.c + script.c): the script cache, the run context of
 * the script in progress, and the {@link ScriptHost} that executes redis.call through a client
 * that belongs to the script. One instance per server, made by the server when a script first runs. Every
 * method runs on the event-loop thread.
 */
public final class Scripting implements ScriptHost {
    private static final Logger LOG = Logger.getLogger("io.cachelab.engine.script");

    private final ScriptingHost server;
    private ScriptRuntime evalRuntime = new ScriptRuntime(this::log);
    private final Map<String, CachedScript> scripts = new HashMap<>();
    private final Client scriptClient;
    private final FunctionLibraries functions;
    private Running running;
    /** DEBUG SET-DISABLE-DENY-SCRIPTS: lets scripts run noscript commands (Redis's test suite uses it). */
    private boolean denyScriptsDisabled;

    /** A compiled EVAL script with its shebang flags (null flags: no shebang, "compat" mode). */
    record CachedScript(byte[] body, LuaFunction function, Set<String> flags) {
    }

    /** What SCRIPT KILL, FUNCTION STATS and the command checks need about the run in progress. */
    static final class Running {
        final ScriptRun run;
        final Client caller;
        final boolean eval;
        final boolean readOnly;
        final boolean allowOom;
        final byte[][] argv;
        boolean dirty;
        boolean busyMarked;
        /** Cluster mode: the slot the script's keys are in so far (-1: none yet), unless it may cross slots. */
        int slot = -1;
        boolean crossSlot;

        Running(ScriptRun run, Client caller, boolean eval, boolean readOnly, boolean allowOom, byte[][] argv) {
            this.run = run;
            this.caller = caller;
            this.eval = eval;
            this.readOnly = readOnly;
            this.allowOom = allowOom;
            this.argv = argv;
        }
    }

    public Scripting(ScriptingHost server) {
        this.server = server;
        this.scriptClient = server.fakeClient();
        this.scriptClient.setScriptClient(true);
        this.functions = new FunctionLibraries(this);
    }

    public void setDenyScriptsDisabled(boolean disabled) {
        denyScriptsDisabled = disabled;
    }

    public FunctionLibraries functions() {
        return functions;
    }

    // ------------------------------------------------------------------ EVAL family

    /** EVAL/EVALSHA/EVAL_RO/EVALSHA_RO: argv[1] is the body or the sha, argv[2] numkeys. */
    public void eval(Client c, byte[][] argv, boolean readOnlyCommand, boolean bySha) {
        int numkeys = numkeys(argv, "ERR value is not an integer or out of range");
        CachedScript script;
        String sha;
        if (bySha) {
            sha = Dispatcher.lower(argv[1]);
            script = sha.length() == 40 ? scripts.get(sha) : null;
            if (script == null) {
                throw new RedisError("NOSCRIPT No matching script. Please use EVAL.");
            }
        } else {
            sha = Sha1.hex(argv[1]);
            script = scripts.get(sha);
            if (script == null) {
                script = compileAndCache(argv[1], sha);
            }
        }
        Set<String> flags = script.flags();
        noClusterCheck(flags);
        if (readOnlyCommand && flags != null && !flags.contains("no-writes")) {
            throw new RedisError("ERR Can not execute a script with write flag using *_ro command.");
        }
        boolean readOnly = readOnlyCommand || (flags != null && flags.contains("no-writes"));
        if (flags != null && !readOnly && server.tooFewGoodReplicas()) throw new RedisError(Dispatcher.NOREPLICAS);
        // scripts without a shebang are checked per command (first write), never as a whole
        boolean allowOom = flags != null && flags.contains("allow-oom");
        if (flags != null && !allowOom && !readOnly) {
            // a shebang script that may write is a denyoom command (scriptFlagsToCmdFlags):
            // processCommand refuses it with the plain OOM error before it starts
            String oom = server.oomCheck(server.commands().lookup("set"), c);
            if (oom != null) {
                // at top level processCommand refuses it first (the flags make EVAL denyoom)
                throw new RedisError(c.multi().executing() ? "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'" : oom);
            }
        }
        byte[][] keys = slice(argv, 3, numkeys);
        byte[][] args = slice(argv, 3 + numkeys, argv.length - 3 - numkeys);
        ScriptRun run = new ScriptRun(this, sha, ScriptRun.MODE_EVAL, busyThreshold());
        LuaFunction fn = script.function();
        ScriptRuntime rt = evalRuntime;
        Running running = new Running(run, c, true, readOnly, allowOom, argv);
        clusterSlots(running, keys, flags == null || flags.contains("allow-cross-slot-keys"));
        execute(c, running,
                out -> rt.runEval(run, fn, keys, args, out, c.resp()));
    }

    /** SCRIPT LOAD: compiles and caches, returns the sha. */
    public String load(byte[] body) {
        String sha = Sha1.hex(body);
        if (!scripts.containsKey(sha)) {
            compileAndCache(body, sha);
        }
        return sha;
    }

    public boolean exists(byte[] sha) {
        return scripts.containsKey(Dispatcher.lower(sha));
    }

    /** SCRIPT FLUSH: forgets every script and starts a fresh interpreter, as Redis does. */
    public void flush() {
        scripts.clear();
        evalRuntime = new ScriptRuntime(this::log);
    }

    public int cachedScripts() {
        return scripts.size();
    }

    /** Bytes of cached script bodies (INFO used_memory_scripts_eval). */
    public long cachedScriptBytes() {
        long n = 0;
        for (CachedScript s : scripts.values()) {
            n += s.body().length;
        }
        return n;
    }

    /** The flags of a {@code #!lua flags=...} first line, or null for a script without one. */
    static Set<String> shebangFlags(byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return null;
        }
        int nl = indexOf(body, (byte) '\n');
        if (nl < 0) {
            throw new RedisError("ERR Invalid script shebang");
        }
        Set<String> flags = new LinkedHashSet<>();
        String[] parts = new String(body, 0, nl, StandardCharsets.ISO_8859_1).split(" ", -1);
        if (!parts[0].equals("#!lua")) {
            throw new RedisError("ERR Unexpected engine in script shebang: " + parts[0]);
        }
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            if (part.startsWith("flags=")) {
                String list = part.substring(6);
                if (list.isEmpty()) {
                    continue;
                }
                for (String f : list.split(",", -1)) {
                    if (!FunctionRegistration.KNOWN_FLAGS.contains(f)) {
                        throw new RedisError("ERR Unexpected flag in script shebang: " + f);
                    }
                    flags.add(f);
                }
            } else {
                throw new RedisError("ERR Unknown lua shebang option: " + part);
            }
        }
        return Set.copyOf(flags);
    }

    /**
     * Whether an EVAL/EVALSHA/FCALL declares itself read-only ({@code no-writes}) before it runs, as
     * Redis's evalGetCommandFlags/fcallGetCommandFlags tell CLIENT PAUSE WRITE: from the cached
     * script, the body's shebang, or the function's flags. Unknown or invalid scripts count as writers
     * (they fail when they run).
     */
    public boolean declaresNoWrites(byte[][] argv, boolean function) {
        Set<String> flags = declaredFlags(argv, function);
        return flags != null && flags.contains("no-writes");
    }

    /**
     * evalGetCommandFlags/fcallGetCommandFlags as cluster routing reads them: a script with a
     * shebang, or a function, that does not declare no-writes is a write command. A script without
     * a shebang (checked per call) or one not known yet is not.
     */
    public boolean declaresWrites(byte[][] argv, boolean function) {
        Set<String> flags = declaredFlags(argv, function);
        return flags != null && !flags.contains("no-writes");
    }

    /** The flags a script or function declares; null for no shebang, an unknown script or a bad one. */
    private Set<String> declaredFlags(byte[][] argv, boolean function) {
        if (argv.length < 2) return null;
        try {
            if (function) {
                FunctionLibraries.Function fn = functions.function(new String(argv[1], StandardCharsets.ISO_8859_1));
                return fn == null ? null : fn.def().flags();
            }
            CachedScript cached = scripts.get(argv[1].length == 40 ? Dispatcher.lower(argv[1]) : Sha1.hex(argv[1]));
            return cached != null ? cached.flags() : argv[1].length == 40 ? null : shebangFlags(argv[1]);
        } catch (RedisError invalid) {
            return null;
        }
    }

    private CachedScript compileAndCache(byte[] body, String sha) {
        Set<String> flags = shebangFlags(body);
        byte[] code = flags == null ? body : java.util.Arrays.copyOfRange(body, indexOf(body, (byte) '\n'), body.length);
        LuaFunction f;
        try {
            f = evalRuntime.compile(code, ScriptRuntime.EVAL_CHUNK);
        } catch (ScriptRuntime.ScriptException e) {
            throw new RedisError("ERR Error compiling script (new function): " + e.getMessage());
        }
        CachedScript s = new CachedScript(body, f, flags);
        scripts.put(sha, s);
        return s;
    }

    // ------------------------------------------------------------------ FCALL

    /** FCALL/FCALL_RO: argv[1] function name, argv[2] numkeys. */
    public void fcall(Client c, byte[][] argv, boolean readOnlyCommand) {
        FunctionLibraries.Function fn = functions.function(new String(argv[1], StandardCharsets.ISO_8859_1));
        if (fn == null) {
            throw new RedisError("ERR Function not found");
        }
        int numkeys = numkeys(argv, "ERR Bad number of keys provided");
        Set<String> flags = fn.def().flags();
        noClusterCheck(flags);
        if (readOnlyCommand && !flags.contains("no-writes")) {
            throw new RedisError("ERR Can not execute a script with write flag using *_ro command.");
        }
        boolean readOnly = readOnlyCommand || flags.contains("no-writes");
        if (!readOnly && server.tooFewGoodReplicas()) throw new RedisError(Dispatcher.NOREPLICAS);
        boolean allowOom = flags.contains("allow-oom");
        String oom = allowOom || readOnly ? null : server.oomCheck(server.commands().lookup("set"), c);
        if (oom != null) {
            throw new RedisError(c.multi().executing() ? "OOM allow-oom flag is not set on the function, can not run it when used memory > 'maxmemory'" : oom);
        }
        byte[][] keys = slice(argv, 3, numkeys);
        byte[][] args = slice(argv, 3 + numkeys, argv.length - 3 - numkeys);
        ScriptRun run = new ScriptRun(this, fn.def().name(), ScriptRun.MODE_FUNCTION, busyThreshold());
        ScriptRuntime rt = functions.runtime();
        Running running = new Running(run, c, false, readOnly, allowOom, argv);
        clusterSlots(running, keys, flags.contains("allow-cross-slot-keys"));
        execute(c, running,
                out -> rt.runFunction(run, fn.def().callback(), keys, args, out, c.resp()));
    }

    // ------------------------------------------------------------------ cluster mode

    /** scriptPrepareForRun: a script or function flagged no-cluster does not run on a cluster node. */
    private void noClusterCheck(Set<String> flags) {
        if (flags != null && flags.contains("no-cluster") && server.config().getBool("cluster-enabled")) {
            throw new RedisError("ERR Can not run script on cluster, 'no-cluster' flag is set.");
        }
    }

    /**
     * processCommand set the caller's slot from the declared keys; calls must stay in it unless
     * allowed. Outside cluster mode nothing reads it, so no key is hashed there.
     */
    private void clusterSlots(Running r, byte[][] keys, boolean crossSlot) {
        r.crossSlot = crossSlot;
        r.slot = keys.length > 0 && server.dispatcher().redirector() != null ? KeySlot.slot(keys[0]) : -1;
    }

    /** scriptVerifyClusterState: the call's keys are served here and in the script's one slot. */
    private String clusterRefusal(Running r, CommandSpec cmd, byte[][] argv) {
        Redirector redirector = server.dispatcher().redirector();
        if (redirector == null || r == null) return null;
        int slot;
        try {
            slot = redirector.scriptSlot(r.caller, cmd, argv);
        } catch (RedisError e) {
            return e.getMessage();
        }
        if (slot == -1 || r.crossSlot) return null;
        if (r.slot == -1) r.slot = slot;
        else if (r.slot != slot) return "ERR Script attempted to access keys that do not hash to the same slot";
        return null;
    }

    // ------------------------------------------------------------------ running

    private interface Body {
        void run(RespBuffer out);
    }

    private void execute(Client c, Running r, Body body) {
        if (running != null) {
            throw new RedisError("ERR This Redis command is not allowed from script");
        }
        running = r;
        // The script's client starts in the caller's database; a SELECT inside the script lasts
        // until the script ends and does not change the caller's database (Redis 7).
        scriptClient.select(c.db());
        // scriptCall: the script's commands run as the caller's ACL user
        scriptClient.setUser(c.user());
        RespBuffer out = new RespBuffer();
        try {
            body.run(out);
        } finally {
            running = null;
            if (r.busyMarked) {
                server.setBusyScript(null, "script");
            }
        }
        byte[] reply = out.toByteArray();
        if (reply.length > 0 && reply[0] == '-') {
            String error = new String(reply, 1, reply.length - 3, StandardCharsets.ISO_8859_1);
            if (!r.run.errorAlreadyCounted()) {
                throw new RedisError(error);
            }
            // already counted when the command failed: only EVAL's failed_calls moves
            c.reply().error(error);
            CommandSpec spec = server.commands().lookup(r.argv[0]);
            if (spec != null) {
                spec.stats().failed();
            }
        } else {
            c.reply().raw(reply);
        }
    }

    private long busyThreshold() {
        return server.config().getLong("busy-reply-threshold");
    }

    private static int numkeys(byte[][] argv, String notInteger) {
        Long parsed = Numbers.parseLongStrict(argv[2]);
        if (parsed == null) throw new RedisError(notInteger);
        long n = parsed;
        if (n > argv.length - 3) {
            throw new RedisError("ERR Number of keys can't be greater than number of args");
        }
        if (n < 0) {
            throw new RedisError("ERR Number of keys can't be negative");
        }
        return (int) n;
    }

    private static byte[][] slice(byte[][] a, int from, int n) {
        byte[][] out = new byte[n][];
        System.arraycopy(a, from, out, 0, n);
        return out;
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ ScriptHost

    /** The command (or subcommand) argv names, as lookupCommand resolves it; null if unknown. */
    private CommandSpec lookup(byte[][] argv) {
        CommandSpec cmd = server.commands().lookup(argv[0]);
        if (cmd != null && cmd.isContainer() && argv.length >= 2) {
            CommandSpec sub = cmd.subcommand(Dispatcher.lower(argv[1]));
            if (sub == null && cmd.handler() == null) {
                return null;
            }
            if (sub != null) {
                return sub;
            }
        }
        return cmd;
    }

    @Override
    public Boolean aclCheck(ScriptRun run, byte[][] argv) {
        CommandSpec cmd = lookup(argv);
        if (cmd == null) {
            return null;
        }
        return scriptClient.user().unrestricted() || server.acl().check(scriptClient.user(), cmd.def(), argv) == 0;
    }

    @Override
    public byte[] call(ScriptRun run, byte[][] argv) {
        Running r = running;
        CommandSpec cmd = lookup(argv);
        if (cmd == null) {
            return rejected(null, "ERR Unknown Redis command called from script");
        }
        if (!cmd.arityOk(argv.length)) {
            return rejected(cmd, "ERR Wrong number of args calling Redis command from script");
        }
        if (cmd.has(CommandFlag.NOSCRIPT) && !denyScriptsDisabled) {
            return rejected(cmd, "ERR This Redis command is not allowed from script");
        }
        if (!scriptClient.user().unrestricted()) {
            int denied = server.acl().check(scriptClient.user(), cmd.def(), argv);
            if (denied != 0) {
                int pos = server.acl().lastDeniedPos();
                String object = denied == Acl.DENIED_CMD
                        ? cmd.fullName()
                        : new String(argv[pos], StandardCharsets.ISO_8859_1);
                server.acl().addLog(scriptClient, denied, "lua", object, null);
                return rejected(cmd, "ERR The user executing the script " + switch (denied) {
                    case Acl.DENIED_CMD -> "can't run this command or subcommand";
                    case Acl.DENIED_KEY -> "can't access at least one of the keys mentioned in the command arguments";
                    case Acl.DENIED_CHANNEL -> "can't publish to the channel mentioned in the command";
                    default -> "lacking the permissions for the command";
                });
            }
        }
        if ((cmd.has(CommandFlag.WRITE) || cmd.has(CommandFlag.MAY_REPLICATE)) && r != null && r.readOnly) {
            return rejected(cmd, "ERR Write commands are not allowed from read-only scripts.");
        }
        if (cmd.has(CommandFlag.WRITE)) {
            // only scripts without flags get here may-write (shebang ones were checked before running)
            if (server.tooFewGoodReplicas()) return rejected(cmd, Dispatcher.NOREPLICAS);
            if (r != null && !r.allowOom && !r.dirty && cmd.has(CommandFlag.DENYOOM)) {
                String oom = server.oomCheck(cmd, r.caller);
                if (oom != null) {
                    return rejected(cmd, oom);
                }
            }
            if (r != null) {
                r.dirty = true;
            }
        }
        String cluster = clusterRefusal(r, cmd, argv);
        if (cluster != null) return rejected(cmd, cluster);
        Client sc = scriptClient;
        sc.setResp(run.resp());
        sc.reply().clear();
        // every check processCommand would make was made above (scriptCall's order and texts)
        sc.setLastCommand(cmd.fullName());
        server.dispatcher().execute(sc, cmd, argv);
        byte[] reply = sc.reply().copyFrom(0);
        sc.reply().clear();
        return reply;
    }

    /** A command the script may not run: counted once here (error stats, rejected_calls). */
    private byte[] rejected(CommandSpec cmd, String error) {
        server.stats().errorReply(error);
        if (cmd != null) {
            cmd.stats().rejected();
        }
        return new RespBuffer().error(error).toByteArray();
    }

    @Override
    public void busy(ScriptRun run) {
        Running r = running;
        if (r == null) {
            return;
        }
        if (!r.busyMarked) {
            r.busyMarked = true;
            server.setBusyScript(r.caller, r.eval ? "script" : "function");
            LOG.warning(() -> "Slow script detected: still in execution after " + run.elapsedMillis()
                    + " milliseconds. You can try killing the script using the "
                    + (r.eval ? "SCRIPT KILL" : "FUNCTION KILL") + " command. Script name is: " + run.name() + ".");
        }
        if (server.eventLoop().inLoopThread()) {
            server.eventLoop().processEventsWhileBlocked(r.caller);
        }
        if (!server.eventLoop().isRunning()) {
            // SHUTDOWN NOSAVE arrived while the script was busy: Redis exits mid-script.
            run.kill();
        }
    }

    @Override
    public void log(int level, byte[] message) {
        Level l = switch (level) {
            case 0 -> Level.FINE;
            case 1 -> Level.CONFIG;
            case 2 -> Level.INFO;
            default -> Level.WARNING;
        };
        if (LOG.isLoggable(l)) {
            LOG.log(l, new String(message, StandardCharsets.UTF_8));
        }
    }

    // ------------------------------------------------------------------ KILL / STATS

    /** SCRIPT KILL (eval=true) or FUNCTION KILL, with Redis's replies. */
    public void kill(Client c, boolean eval) {
        Running r = running;
        if (r == null) {
            throw new RedisError("NOTBUSY No scripts in execution right now.");
        }
        if (r.dirty) {
            throw new RedisError("UNKILLABLE Sorry the script already executed write commands against the dataset. "
                    + "You can either wait the script termination or kill the server in a hard way using the "
                    + "SHUTDOWN NOSAVE command.");
        }
        if (eval && !r.eval) {
            throw new RedisError("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
        }
        if (!eval && r.eval) {
            throw new RedisError("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
        }
        r.run.kill();
        c.addOk();
    }

    /**
     * For propagation (AOF, replicas): Redis 7 replicates a script's effects, i.e. the write
     * commands its client runs (wrapped in MULTI/EXEC), never the EVAL/FCALL itself, and honours
     * redis.set_repl. Returns the flags of the script in progress (1 AOF, 2 replicas), or -1 when
     * no script runs.
     */
    public int scriptReplicationFlags() {
        return running == null ? -1 : running.run.replicationFlags();
    }

    /** The function in progress (for FUNCTION STATS), or null. */
    Running runningFunction() {
        return running != null && !running.eval ? running : null;
    }
}
