package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;

import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.persistence.Persistence;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.util.Bytes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * MIGRATE (cluster.c): DUMP payloads sent as RESTORE commands over a blocking connection to the
 * target, answered line by line. Like Redis it blocks the server for the transfer (bounded by the
 * timeout), so the keys are gone here exactly when the target acknowledged them. Redis caches the
 * connection for 10 s; we open one per call and always SELECT, which the target cannot tell apart.
 */
final class MigrateCommand {
    private MigrateCommand() {
    }

    static void register(Commands t) {
        t.bind("migrate", MigrateCommand::migrate);
    }

    /** What follows the five fixed arguments: COPY, REPLACE, AUTH/AUTH2 and where KEYS puts the keys. */
    private static final class Options {
        boolean copy;
        boolean replace;
        byte[] username;
        byte[] password;
        int firstKey = 3;
        int numKeys = 1;
    }

    private static void migrate(Client c, byte[][] a) {
        Options o = parseOptions(c, a);
        long timeout = Args.toLong(a[5]);
        long dbid = Args.toLong(a[4]);
        if (timeout <= 0) timeout = 1000;

        Database db = c.db();
        List<Bytes> keys = new ArrayList<>();
        List<RValue> values = new ArrayList<>();
        for (int j = 0; j < o.numKeys; j++) {
            Bytes k = new Bytes(a[o.firstKey + j]);
            RValue v = db.lookupRead(k);
            if (v != null) {
                keys.add(k);
                values.add(v);
            }
        }
        if (keys.isEmpty()) {
            c.addSimple("NOKEY");
            return;
        }
        List<Bytes> sent = new ArrayList<>();
        byte[] commands = restoreCommands(c, db, o, dbid, keys, values, sent);
        transfer(c, a, o, commands, sent, (int) Math.min(Integer.MAX_VALUE, timeout));
    }

    private static Options parseOptions(Client c, byte[][] a) {
        Options o = new Options();
        for (int j = 6; j < a.length; j++) {
            int more = a.length - 1 - j;
            if (Args.is(a[j], "copy")) {
                o.copy = true;
            } else if (Args.is(a[j], "replace")) {
                o.replace = true;
            } else if (Args.is(a[j], "auth")) {
                if (more < 1) throw RedisError.SYNTAX;
                c.redactArgument(j + 1);
                o.password = a[++j];
            } else if (Args.is(a[j], "auth2")) {
                if (more < 2) throw RedisError.SYNTAX;
                c.redactArgument(j + 1);
                c.redactArgument(j + 2);
                o.username = a[++j];
                o.password = a[++j];
            } else if (Args.is(a[j], "keys")) {
                if (a[3].length != 0) {
                    throw new RedisError("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");
                }
                o.firstKey = j + 1;
                o.numKeys = a.length - j - 1;
                break;
            } else {
                throw RedisError.SYNTAX;
            }
        }
        return o;
    }

    /** AUTH, SELECT and one RESTORE per key not yet expired; the keys sent go to {@code sent}. */
    private static byte[] restoreCommands(Client c, Database db, Options o, long dbid, List<Bytes> keys,
                                          List<RValue> values, List<Bytes> sent) {
        ByteArrayOutputStream cmd = new ByteArrayOutputStream();
        if (o.password != null) {
            if (o.username != null) writeCommand(cmd, bulk("AUTH"), o.username, o.password);
            else writeCommand(cmd, bulk("AUTH"), o.password);
        }
        writeCommand(cmd, bulk("SELECT"), bulk(Long.toString(dbid)));
        Persistence persistence = server(c).persistence();
        long now = System.currentTimeMillis();
        for (int j = 0; j < keys.size(); j++) {
            long expireAt = db.getExpire(keys.get(j));
            long ttl = 0;
            if (expireAt != -1) {
                ttl = expireAt - now;
                if (ttl < 0) continue;
                if (ttl < 1) ttl = 1;
            }
            byte[] payload = persistence.dump(values.get(j));
            // in cluster mode RESTORE-ASKING, which the target accepts into a slot it is importing
            byte[] restore = bulk(server(c).cluster() != null ? "RESTORE-ASKING" : "RESTORE");
            if (o.replace) {
                writeCommand(cmd, restore, keys.get(j).array(), bulk(Long.toString(ttl)), payload, bulk("REPLACE"));
            } else {
                writeCommand(cmd, restore, keys.get(j).array(), bulk(Long.toString(ttl)), payload);
            }
            sent.add(keys.get(j));
        }
        return cmd.toByteArray();
    }

    /** Connects, sends the commands and reads the AUTH and SELECT replies, then one per key. */
    private static void transfer(Client c, byte[][] a, Options o, byte[] commands, List<Bytes> sent, int timeoutMs) {
        try (Socket s = new Socket()) {
            try {
                s.connect(new InetSocketAddress(Args.str(a[1]), Integer.parseInt(Args.str(a[2]))), timeoutMs);
            } catch (IOException | IllegalArgumentException e) {
                throw new RedisError("IOERR error or timeout connecting to the client");
            }
            s.setSoTimeout(timeoutMs);
            try {
                OutputStream out = s.getOutputStream();
                out.write(commands);
                out.flush();
            } catch (IOException e) {
                throw new RedisError("IOERR error or timeout writing to target instance");
            }
            InputStream in = s.getInputStream();
            String authReply = null;
            String selectReply;
            try {
                if (o.password != null) authReply = readLine(in);
                selectReply = readLine(in);
            } catch (IOException e) {
                throw new RedisError("IOERR error or timeout reading to target instance");
            }
            restoreReplies(c, in, authReply, selectReply, sent, o.copy);
            c.addOk();
        } catch (IOException e) {
            throw new RedisError("IOERR error or timeout reading to target instance");
        }
    }

    /** One reply per RESTORE: without COPY a key the target took is deleted here; the first error wins. */
    private static void restoreReplies(Client c, InputStream in, String authReply, String selectReply, List<Bytes> sent,
                                       boolean copy) {
        Database db = c.db();
        String targetError = null;
        boolean socketError = false;
        List<byte[]> deleted = new ArrayList<>();
        deleted.add(bulk("DEL"));
        for (Bytes key : sent) {
            String reply;
            try {
                reply = readLine(in);
            } catch (IOException e) {
                socketError = true;
                break;
            }
            if (authReply != null && authReply.startsWith("-") || selectReply.startsWith("-") || reply.startsWith("-")) {
                if (targetError == null) {
                    String err = authReply != null && authReply.startsWith("-") ? authReply
                            : selectReply.startsWith("-") ? selectReply : reply;
                    targetError = err.substring(1);
                }
            } else if (!copy) {
                db.deleteRaw(key);
                deleted.add(key.array());
                db.signalModified(key);
                server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", key, db.id());
                server(c).addDirty(1);
            }
        }
        // replicas and the AOF see a DEL of the keys the target acknowledged, never the MIGRATE itself
        if (deleted.size() > 1) server(c).propagation().replace(deleted.toArray(new byte[0][]));
        if (targetError != null) throw new RedisError("ERR Target instance replied with error: " + targetError);
        if (socketError) throw new RedisError("IOERR error or timeout reading to target instance");
    }

    private static byte[] bulk(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void writeCommand(ByteArrayOutputStream out, byte[]... args) {
        out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] arg : args) {
            out.writeBytes(("$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(arg);
            out.writeBytes(new byte[]{'\r', '\n'});
        }
    }

    /** connSyncReadLine: one reply line without its CRLF; a closed connection is an error. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) throw new IOException("connection closed");
            if (b == '\n') break;
            if (b != '\r') sb.append((char) b);
        }
        return sb.toString();
    }
}
