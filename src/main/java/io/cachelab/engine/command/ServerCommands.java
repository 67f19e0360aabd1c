package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.info.Stats;
import io.cachelab.engine.persistence.Aof;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.server.Server;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.info.Info;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.persistence.Persistence;

import java.util.List;

/**
 * Server commands: INFO with real values, DBSIZE, FLUSHDB/FLUSHALL, TIME, LASTSAVE, DEBUG,
 * SHUTDOWN, WAIT, MONITOR, SLOWLOG. INFO's field names follow Redis 7.0 because Spring's health
 * check, redis-cli and monitoring tools read them.
 */
final class ServerCommands {
    private ServerCommands() {
    }

    static void register(Commands t) {
        t.bind("info", ServerCommands::info);
        t.bind("dbsize", (c, a) -> c.addInteger(c.db().size()));
        t.bind("flushdb", ServerCommands::flushdb);
        t.bind("flushall", ServerCommands::flushall);
        t.bind("time", (c, a) -> {
            long us = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
            c.addArrayLen(2);
            c.addBulk(Long.toString(us / 1_000_000));
            c.addBulk(Long.toString(us % 1_000_000));
        });
        t.bind("lastsave", (c, a) -> c.addInteger(server(c).lastSaveSeconds()));
        t.bind("shutdown", ServerCommands::shutdown);
        t.bind("monitor", (c, a) -> {
            if (c.monitor()) return;
            server(c).dispatcher().monitor().add(c);
            c.addOk();
        });
        t.bind("debug", DebugCommand::debug);
        t.bind("save", ServerCommands::save);
        t.bind("bgrewriteaof", ServerCommands::bgrewriteaof);
        t.bind("bgsave", ServerCommands::bgsave);
        t.bind("lolwut", (c, a) -> c.addVerbatim("CacheLab engine ver. " + ConnectionCommands.VERSION + "\n"));
        ClusterCommand.register(t);
        SlowlogCommand.register(t);
        CommandCommand.register(t);
    }

    private static boolean asyncFlag(byte[][] a) {
        if (a.length == 1) return false;
        if (a.length > 2) throw RedisError.SYNTAX;
        if (Args.is(a[1], "async")) return true;
        if (Args.is(a[1], "sync")) return false;
        throw RedisError.SYNTAX;
    }

    /** FLUSHDB/FLUSHALL without SYNC or ASYNC follow lazyfree-lazy-user-flush. */
    private static boolean flushAsync(Client c, byte[][] a) {
        return a.length == 1 ? server(c).config().getBool("lazyfree-lazy-user-flush") : asyncFlag(a);
    }

    /** emptyDbAsync hands every key of a non-empty database to the lazy-free thread. */
    private static void countLazyFlush(Server s, Database d) {
        s.stats().add(Stats.Counter.LAZYFREED_OBJECTS, d.dict().size());
    }

    private static void flushdb(Client c, byte[][] a) {
        if (flushAsync(c, a)) countLazyFlush(server(c), c.db());
        flush(server(c), c.db());
        server(c).tracking().flushed();
        // forceCommandPropagation: logged even when the db was already empty
        server(c).propagation().force();
        c.addOk();
    }

    private static void flushall(Client c, byte[][] a) {
        boolean async = flushAsync(c, a);
        for (Database d : server(c).databases()) {
            if (async) countLazyFlush(server(c), d);
            flush(server(c), d);
        }
        server(c).tracking().flushed();
        server(c).propagation().force();
        // flushAllDataAndResetRDB: a running BGSAVE is dropped and, with save points, the empty
        // dataset is saved at once (which also resets the dirty counter)
        Persistence p = server(c).persistence();
        p.killBgsave();
        if (p.hasSavePoints()) p.save();
        c.addOk();
    }

    static void flush(Server s, Database d) {
        s.watches().touchAll(d, null);
        s.addDirty(d.flush());
    }

    private static void shutdown(Client c, byte[][] a) {
        boolean nosave = false;
        boolean save = false;
        boolean force = false;
        for (int i = 1; i < a.length; i++) {
            String o = Args.lower(a[i]);
            switch (o) {
                case "nosave" -> nosave = true;
                case "save" -> save = true;
                case "force" -> force = true;
                case "now" -> {
                }
                case "abort" -> throw new RedisError("ERR No shutdown in progress.");
                default -> throw RedisError.SYNTAX;
            }
        }
        if (nosave && save) throw RedisError.SYNTAX;
        // while a script is past its time limit only SHUTDOWN NOSAVE may stop the server (Redis 7)
        if (server(c).scriptBusy() && !nosave) throw new RedisError(server(c).busyError());
        if (!server(c).prepareForShutdown(save, nosave, force)) {
            throw new RedisError("ERR Errors trying to SHUTDOWN. Check logs.");
        }
        server(c).shutdown();
        // Redis closes the connection without a reply when the shutdown succeeds
        c.closeAfterReply();
    }

    private static void save(Client c, byte[][] a) {
        Persistence p = server(c).persistence();
        if (p.bgsaveInProgress()) throw new RedisError("ERR Background save already in progress");
        if (!p.save()) throw new RedisError("ERR");
        c.addOk();
    }

    private static void bgsave(Client c, byte[][] a) {
        boolean schedule = false;
        if (a.length > 1) {
            if (a.length == 2 && Args.is(a[1], "schedule")) schedule = true;
            else throw RedisError.SYNTAX;
        }
        Persistence p = server(c).persistence();
        if (p.bgsaveInProgress()) throw new RedisError("ERR Background save already in progress");
        if (server(c).aof().rewriteInProgress() && !c.multi().executing()) {
            // Redis has one child at a time; our rewrite thread stands in for it
            if (!schedule) {
                throw new RedisError("ERR An AOF log rewriting in progress: can't BGSAVE right now. "
                        + "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
            }
            p.scheduleBgsave();
            c.addSimple("Background saving scheduled");
            return;
        }
        if (c.multi().executing()) {
            p.scheduleBgsave();
            c.addSimple("Background saving scheduled");
            return;
        }
        if (!p.bgsave()) throw new RedisError("ERR");
        c.addSimple("Background saving started");
    }

    private static void bgrewriteaof(Client c, byte[][] a) {
        Aof aof = server(c).aof();
        if (aof.rewriteInProgress()) throw new RedisError("ERR Background append only file rewriting already in progress");
        if (c.multi().executing() || server(c).persistence().bgsaveInProgress()) {
            aof.scheduleRewrite();
            c.addSimple("Background append only file rewriting scheduled");
            return;
        }
        if (!aof.bgrewrite()) {
            throw new RedisError("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");
        }
        c.addSimple("Background append only file rewriting started");
    }

    // ---------------- INFO ----------------

    private static void info(Client c, byte[][] a) {
        String[] names = new String[a.length - 1];
        for (int i = 1; i < a.length; i++) names[i - 1] = Args.str(a[i]);
        Info info = server(c).info();
        c.addVerbatim(info.render(info.select(names)));
    }

}
