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

    private static void migrate(Client c, byte[][] a) {
        boolean copy = false;
        boolean replace = false;
        byte[] username = null;
        byte[] password = null;
        int firstKey = 3;
        int numKeys = 1;
        for (int j = 6; j < a.length; j++) {
            int more = a.length - 1 - j;
            if (Args.is(a[j], "copy")) {
                copy = true;
            } else if (Args.is(a[j], "replace")) {
                replace = true;
            } else if (Args.is(a[j], "auth")) {
                if (more < 1) throw RedisError.SYNTAX;
                c.redactArgument(j + 1);
                password = a[++j];
            } else if (Args.is(a[j], "auth2")) {
                if (more < 2) throw RedisError.SYNTAX;
                c.redactArgument(j + 1);
                c.redactArgument(j + 2);
                username = a[++j];
                password = a[++j];
            } else if (Args.is(a[j], "keys")) {
                if (a[3].length != 0) {
                    throw new RedisError("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");
                }
                firstKey = j + 1;
                numKeys = a.length - j - 1;
                break;
            } else {
                throw RedisError.SYNTAX;
            }
        }
        long timeout = Args.toLong(a[5]);
        long dbid = Args.toLong(a[4]);
        if (timeout <= 0) timeout = 1000;

        Database db = c.db();
        List<Bytes> keys = new ArrayList<>();
        List<RValue> values = new ArrayList<>();
        for (int j = 0; j < numKeys; j++) {
            Bytes k = new Bytes(a[firstKey + j]);
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

        ByteArrayOutputStream cmd = new ByteArrayOutputStream();
        if (password != null) {
            if (username != null) writeCommand(cmd, bulk("AUTH"), username, password);
            else writeCommand(cmd, bulk("AUTH"), password);
        }
        writeCommand(cmd, bulk("SELECT"), bulk(Long.toString(dbid)));
        Persistence persistence = server(c).persistence();
        List<Bytes> sent = new ArrayList<>();
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
            if (replace) {
                writeCommand(cmd, bulk("RESTORE"), keys.get(j).array(), bulk(Long.toString(ttl)), payload, bulk("REPLACE"));
            } else {
                writeCommand(cmd, bulk("RESTORE"), keys.get(j).array(), bulk(Long.toString(ttl)), payload);
            }
            sent.add(keys.get(j));
        }

        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout);
        try (Socket s = new Socket()) {
            try {
                s.connect(new InetSocketAddress(Args.str(a[1]), Integer.parseInt(Args.str(a[2]))), timeoutMs);
            } catch (IOException | IllegalArgumentException e) {
                throw new RedisError("IOERR error or timeout connecting to the client");
            }
            s.setSoTimeout(timeoutMs);
            try {
                OutputStream out = s.getOutputStream();
                out.write(cmd.toByteArray());
                out.flush();
            } catch (IOException e) {
                throw new RedisError("IOERR error or timeout writing to target instance");
            }
            InputStream in = s.getInputStream();
            String authReply = null;
            String selectReply;
            try {
                if (password != null) authReply = readLine(in);
                selectReply = readLine(in);
            } catch (IOException e) {
                throw new RedisError("IOERR error or timeout reading to target instance");
            }
            String targetError = null;
            boolean socketError = false;
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
                    db.signalModified(key);
                    server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", key, db.id());
                    server(c).addDirty(1);
                }
            }
            if (targetError != null) throw new RedisError("ERR Target instance replied with error: " + targetError);
            if (socketError) throw new RedisError("IOERR error or timeout reading to target instance");
            c.addOk();
        } catch (IOException e) {
            throw new RedisError("IOERR error or timeout reading to target instance");
        }
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
