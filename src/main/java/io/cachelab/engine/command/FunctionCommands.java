package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;

import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Trait;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.script.FunctionLibraries;

import java.nio.charset.StandardCharsets;

/**
 * FCALL, FCALL_RO and FUNCTION (functions.c): argument parsing and the error texts of Redis 7.0;
 * libraries themselves are {@link FunctionLibraries}'.
 */
final class FunctionCommands {
    private FunctionCommands() {
    }

    private static final String[] HELP = {
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION "
                + "RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
        "      in case of functions name collision with another library)."};

    static void register(Commands t) {
        t.bind("fcall", (c, a) -> server(c).scripting().fcall(c, a, false), Trait.PROPAGATES_BY_EFFECTS, Trait.SCRIPT_RUNNER);
        t.bind("fcall_ro", (c, a) -> server(c).scripting().fcall(c, a, true), Trait.PROPAGATES_BY_EFFECTS, Trait.SCRIPT_RUNNER_READONLY);

        CommandSpec function = t.container("function");
        function.sub("load", FunctionCommands::load);
        function.sub("delete", (c, a) -> {
            libraries(c).delete(new String(a[2], StandardCharsets.ISO_8859_1));
            server(c).addDirty(1); // logged and replicated, as Redis counts it
            c.addOk();
        });
        function.sub("flush", FunctionCommands::flush);
        function.sub("dump", (c, a) -> c.addBulk(libraries(c).dump()));
        function.sub("restore", FunctionCommands::restore);
        function.sub("kill", (c, a) -> server(c).scripting().kill(c, false));
        function.sub("stats", (c, a) -> libraries(c).stats(c));
        function.sub("list", FunctionCommands::list);
        function.sub("help", (c, a) -> c.addHelp("FUNCTION", HELP));
    }

    private static void load(Client c, byte[][] a) {
        boolean replace = false;
        int i = 2;
        for (; i < a.length - 1; i++) {
            if (Args.is(a[i], "replace")) {
                replace = true;
            } else {
                throw new RedisError("ERR Unknown option given: " + Args.str(a[i]));
            }
        }
        if (i != a.length - 1) {
            throw new RedisError("ERR Function code was not given");
        }
        c.addBulk(libraries(c).load(a[a.length - 1], replace));
        server(c).addDirty(1); // logged and replicated, as Redis counts it
    }

    private static void flush(Client c, byte[][] a) {
        if (a.length > 3) {
            throw new RedisError("ERR unknown subcommand or wrong number of arguments for '" + Args.str(a[1]) + "'. Try FUNCTION HELP.");
        }
        if (a.length == 3 && !Args.is(a[2], "sync") && !Args.is(a[2], "async")) {
            throw new RedisError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        }
        libraries(c).flush();
        server(c).addDirty(1); // logged and replicated, as Redis counts it
        c.addOk();
    }

    private static void restore(Client c, byte[][] a) {
        String policy = "append";
        if (a.length > 4) {
            throw new RedisError("ERR unknown subcommand or wrong number of arguments for '" + Args.str(a[1]) + "'. Try FUNCTION HELP.");
        }
        if (a.length == 4) {
            if (Args.is(a[3], "flush")) {
                policy = "flush";
            } else if (Args.is(a[3], "append")) {
                policy = "append";
            } else if (Args.is(a[3], "replace")) {
                policy = "replace";
            } else {
                throw new RedisError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            }
        }
        libraries(c).restore(a[2], policy);
        server(c).addDirty(1); // logged and replicated, as Redis counts it
        c.addOk();
    }

    private static void list(Client c, byte[][] a) {
        byte[] pattern = null;
        boolean withCode = false;
        for (int i = 2; i < a.length; i++) {
            if (Args.is(a[i], "withcode") && !withCode) {
                withCode = true;
            } else if (Args.is(a[i], "libraryname") && pattern == null) {
                if (i + 1 >= a.length) {
                    throw new RedisError("ERR library name argument was not given");
                }
                pattern = a[++i];
            } else {
                throw new RedisError("ERR Unknown argument " + Args.str(a[i]));
            }
        }
        libraries(c).list(c, pattern, withCode);
    }

    private static FunctionLibraries libraries(Client c) {
        return server(c).scripting().functions();
    }
}
