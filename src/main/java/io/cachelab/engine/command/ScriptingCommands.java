package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Trait;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.script.Scripting;

/**
 * EVAL, EVALSHA, their _RO variants and SCRIPT (eval.c). Parsing and replies live here; the cache,
 * the run context and the Lua side are {@link Scripting}'s. Keys are found through numkeys so
 * COMMAND GETKEYS works, as Redis's evalGetKeys.
 */
final class ScriptingCommands {
    private ScriptingCommands() {
    }

    static void register(Commands t) {
        t.bind("eval", (c, a) -> server(c).scripting().eval(c, a, false, false), Trait.PROPAGATES_BY_EFFECTS, Trait.SCRIPT_RUNNER);
        t.bind("evalsha", (c, a) -> server(c).scripting().eval(c, a, false, true), Trait.PROPAGATES_BY_EFFECTS, Trait.SCRIPT_RUNNER);
        t.bind("eval_ro", (c, a) -> server(c).scripting().eval(c, a, true, false), Trait.PROPAGATES_BY_EFFECTS, Trait.SCRIPT_RUNNER_READONLY);
        t.bind("evalsha_ro", (c, a) -> server(c).scripting().eval(c, a, true, true), Trait.PROPAGATES_BY_EFFECTS, Trait.SCRIPT_RUNNER_READONLY);

        CommandSpec script = t.container("script");
        script.sub("load", (c, a) -> c.addBulk(server(c).scripting().load(a[2])));
        script.sub("exists", (c, a) -> {
            Scripting s = server(c).scripting();
            c.addArrayLen(a.length - 2);
            for (int i = 2; i < a.length; i++) {
                c.addInteger(s.exists(a[i]) ? 1 : 0);
            }
        });
        script.sub("flush", (c, a) -> {
            if (a.length > 3 || (a.length == 3 && !Args.is(a[2], "sync") && !Args.is(a[2], "async"))) {
                throw new RedisError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            }
            server(c).scripting().flush();
            c.addOk();
        });
        script.sub("kill", (c, a) -> server(c).scripting().kill(c, true));
        script.sub("debug", (c, a) -> {
            if (Args.is(a[2], "no")) {
                c.addOk();
            } else if (Args.is(a[2], "yes") || Args.is(a[2], "sync")) {
                throw new RedisError("ERR SCRIPT DEBUG is not supported by this server");
            } else {
                throw new RedisError("ERR Use SCRIPT DEBUG YES/SYNC/NO");
            }
        });
        script.sub("help", (c, a) -> c.addHelp("SCRIPT", new String[] {
            "DEBUG (YES|SYNC|NO)",
            "    Set the debug mode for subsequent scripts executed.",
            "EXISTS <sha1> [<sha1> ...]",
            "    Return information about the existence of the scripts in the script cache.",
            "FLUSH [ASYNC|SYNC]",
            "    Flush the Lua scripts cache. Very dangerous on replicas.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the scripts cache.",
            "    * SYNC: Synchronously flush the scripts cache.",
            "KILL",
            "    Kill the currently executing Lua script.",
            "LOAD <script>",
            "    Load a script into the scripts cache without executing it."}));
    }
}
