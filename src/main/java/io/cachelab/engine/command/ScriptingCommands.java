package io.cachelab.engine.command;

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

    static void register(CommandTable t) {
        String flags = "noscript stale skip-monitor may-replicate no-mandatory-keys movablekeys";
        String roFlags = "noscript stale skip-monitor no-mandatory-keys readonly movablekeys";
        t.add("eval", -3, flags, 0, 0, 0, (c, a) -> Scripting.of(c.server()).eval(c, a, false, false))
                .keys(ScriptingCommands::numkeysKeys).group("scripting").since("2.6.0");
        t.add("evalsha", -3, flags, 0, 0, 0, (c, a) -> Scripting.of(c.server()).eval(c, a, false, true))
                .keys(ScriptingCommands::numkeysKeys).group("scripting").since("2.6.0");
        t.add("eval_ro", -3, roFlags, 0, 0, 0, (c, a) -> Scripting.of(c.server()).eval(c, a, true, false))
                .keys(ScriptingCommands::numkeysKeys).group("scripting").since("7.0.0");
        t.add("evalsha_ro", -3, roFlags, 0, 0, 0, (c, a) -> Scripting.of(c.server()).eval(c, a, true, true))
                .keys(ScriptingCommands::numkeysKeys).group("scripting").since("7.0.0");

        CommandSpec script = t.container("script", -2, "").group("scripting");
        script.sub("load", 3, "noscript stale", 0, 0, 0,
                (c, a) -> c.addBulk(Scripting.of(c.server()).load(a[2])));
        script.sub("exists", -3, "noscript", 0, 0, 0, (c, a) -> {
            Scripting s = Scripting.of(c.server());
            c.addArrayLen(a.length - 2);
            for (int i = 2; i < a.length; i++) {
                c.addInteger(s.exists(a[i]) ? 1 : 0);
            }
        });
        script.sub("flush", -2, "noscript", 0, 0, 0, (c, a) -> {
            if (a.length > 3 || (a.length == 3 && !Args.is(a[2], "sync") && !Args.is(a[2], "async"))) {
                throw new RedisError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            }
            Scripting.of(c.server()).flush();
            c.addOk();
        });
        script.sub("kill", 2, "noscript allow-busy", 0, 0, 0, (c, a) -> Scripting.of(c.server()).kill(c, true));
        script.sub("debug", 3, "noscript", 0, 0, 0, (c, a) -> {
            if (Args.is(a[2], "no")) {
                c.addOk();
            } else if (Args.is(a[2], "yes") || Args.is(a[2], "sync")) {
                throw new RedisError("ERR SCRIPT DEBUG is not supported by this server");
            } else {
                throw new RedisError("ERR Use SCRIPT DEBUG YES/SYNC/NO");
            }
        });
        script.sub("help", 2, "loading stale", 0, 0, 0, (c, a) -> help(c, new String[] {
            "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
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
            "    Load a script into the scripts cache without executing it.",
            "HELP",
            "    Prints this help."}));
    }

    static void help(Client c, String[] lines) {
        c.addArrayLen(lines.length);
        for (String l : lines) {
            c.addSimple(l);
        }
    }

    /** argv[2] is numkeys; the keys follow it (EVAL, EVALSHA, FCALL and their _RO forms). */
    static int[] numkeysKeys(byte[][] argv) {
        if (argv.length < 3) {
            return new int[0];
        }
        Long n = io.cachelab.engine.type.Numbers.parseLongStrict(argv[2]);
        if (n == null || n < 0 || n > argv.length - 3) {
            return new int[0];
        }
        int[] keys = new int[n.intValue()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = 3 + i;
        }
        return keys;
    }
}
