package io.cachelab.engine.command;

import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.server.Server;

/**
 * Every command family, bound into one table: Redis's populateCommandTable over the generated
 * commands.def, here the table's data (table/commands.tsv) joined with each family's handlers.
 */
public final class Families {
    private Families() {
    }

    /**
     * The server a command runs on. A client knows its server only as the networking layer's
     * {@link io.cachelab.engine.net.NetHost} (net sits below the server); every client a command
     * sees was made by a {@link Server}, so commands, which sit above it, read it back here.
     */
    public static Server server(Client c) {
        return (Server) c.host();
    }

    /** CLIENT LIST's line for a client (ACL LOG's client-info). */
    public static String clientInfo(Client c) {
        return ClientCommand.describe(c, c);
    }

    /** Binds every family's commands into a new table. */
    public static Commands registerAll() {
        Commands t = new Commands();
        ConnectionCommands.register(t);
        ServerCommands.register(t);
        ReplicationCommands.register(t);
        ConfigCommands.register(t);
        LatencyCommand.register(t);
        ModuleCommand.register(t);
        KeyCommands.register(t);
        StringCommands.register(t);
        ListCommands.register(t);
        ZSetCommands.register(t);
        BitmapCommands.register(t);
        TransactionCommands.register(t);
        PubSubCommands.register(t);
        HashCommands.register(t);
        SetCommands.register(t);
        ScriptingCommands.register(t);
        FunctionCommands.register(t);
        SortCommand.register(t);
        MemoryCommands.register(t);
        DumpCommands.register(t);
        MigrateCommand.register(t);
        HyperLogLogCommands.register(t);
        GeoCommands.register(t);
        StreamCommands.register(t);
        AclCommand.register(t);
        return t;
    }
}
