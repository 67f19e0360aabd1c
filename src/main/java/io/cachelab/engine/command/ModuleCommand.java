package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;

import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.RedisError;

/**
 * MODULE (module.c moduleCommand). Redis modules are shared objects written against Redis's C API,
 * and a JVM cannot load them. So the engine has no modules: LIST answers an empty list, which is
 * what tools that probe for modules (MODULE LIST) need. LOAD and LOADEX fail the way a failed
 * dlopen does: the same error reply, and a log line that says why. UNLOAD finds no such module.
 * LOAD, LOADEX and UNLOAD are protected commands: the dispatcher refuses them unless
 * enable-module-command allows the connection.
 */
final class ModuleCommand {
    private static final String LOAD_ERROR = "ERR Error loading the extension. Please check the server logs.";

    private ModuleCommand() {
    }

    static void register(Commands t) {
        CommandSpec module = t.container("module");
        module.sub("list", (c, a) -> c.addArrayLen(0));
        module.sub("load", (c, a) -> load(c, Args.str(a[2])));
        module.sub("loadex", ModuleCommand::loadex);
        module.sub("unload", (c, a) -> {
            throw new RedisError("ERR Error unloading module: no such module with that name");
        });
        module.sub("help", (c, a) -> {
            String[] lines = {"LIST",
                "    Return a list of loaded modules.",
                "LOAD <path> [<arg> ...]",
                "    Load a module library from <path>, passing to it any optional arguments.",
                "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
                "    Load a module library from <path>, while passing it module configurations and optional arguments.",
                "UNLOAD <name>",
                "    Unload a module."};
            c.addHelp("MODULE", lines);
        });
    }

    /** What moduleLoad logs when dlopen fails, then the reply Redis gives. */
    private static void load(Client c, String path) {
        server(c).log().warning("Module " + path + " failed to load: the CacheLab engine runs on a JVM and cannot load"
                + " Redis modules (shared objects built against Redis's C module API)");
        throw new RedisError(LOAD_ERROR);
    }

    /**
     * LOADEX path [CONFIG name value ...] [ARGS arg ...]: arguments that do not parse fail with the
     * same reply and parseLoadexArguments's notice, before any load is tried.
     */
    private static void loadex(Client c, byte[][] a) {
        int i = 3;
        while (i < a.length && Args.is(a[i], "config")) {
            if (i + 2 >= a.length) {
                server(c).log().info("CONFIG specified without name value pair");
                throw new RedisError(LOAD_ERROR);
            }
            i += 3;
        }
        if (i < a.length && !Args.is(a[i], "args")) {
            server(c).log().info("Syntax Error from arguments to loadex around " + Args.str(a[i]) + ".");
            throw new RedisError(LOAD_ERROR);
        }
        load(c, Args.str(a[2]));
    }
}
