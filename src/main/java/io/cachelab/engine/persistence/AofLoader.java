package io.cachelab.engine.persistence;

import io.cachelab.engine.net.Client;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * loadSingleAppendOnlyFile: replays one AOF file through a socketless client, as Redis does with
 * its fake client, so every command takes its normal path. A base file that starts with "REDIS" is
 * an RDB preamble and goes to the RDB reader. A command cut short at the end of the last file is
 * dropped and the file truncated when aof-load-truncated allows it; an unfinished MULTI is dropped
 * back to where it began ("Revert incomplete MULTI/EXEC transaction").
 */
final class AofLoader {
    private final PersistenceHost server;

    AofLoader(PersistenceHost server) {
        this.server = server;
    }

    /** Loads one file; returns false if it does not exist. */
    boolean load(Path file, boolean last) throws IOException {
        if (!Files.exists(file)) return false;
        byte[] data = Files.readAllBytes(file);
        if (data.length >= 5 && data[0] == 'R' && data[1] == 'E' && data[2] == 'D' && data[3] == 'I' && data[4] == 'S') {
            server.persistence().loadAofBase(file);
            return true;
        }
        Client fake = server.fakeClient();
        fake.setMustObey(true);
        int pos = 0;
        int validUpTo = 0;
        int multiStart = -1;
        boolean truncated = false;
        String bad = null;
        while (pos < data.length) {
            if (data[pos] == '#') {
                // an annotation (aof-timestamp-enabled): skipped as Redis does
                int nl = indexOf(data, pos, (byte) '\n');
                if (nl < 0) {
                    truncated = true;
                    break;
                }
                pos = nl + 1;
                validUpTo = pos;
                continue;
            }
            List<byte[]> argv = new ArrayList<>();
            int next = parse(data, pos, argv);
            if (next == -1) {
                truncated = true;
                break;
            }
            if (next == -2) {
                bad = "Bad file format reading the append only file";
                break;
            }
            byte[][] args = argv.toArray(new byte[0][]);
            String name = new String(args[0], java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            if (name.equals("multi")) multiStart = pos;
            else if (name.equals("exec")) multiStart = -1;
            if (server.dispatcher().table().lookup(args[0]) == null) {
                throw new IOException("Unknown command '" + name + "' reading the append only file " + file.getFileName());
            }
            server.dispatcher().call(fake, args);
            fake.reply().clear();
            pos = next;
            validUpTo = pos;
        }
        if (bad != null) throw new IOException(bad + " " + file.getFileName());
        if (truncated || multiStart >= 0) {
            if (!truncated && multiStart >= 0) {
                server.log().warning("Revert incomplete MULTI/EXEC transaction in AOF file " + file.getFileName());
                validUpTo = multiStart;
            } else if (!last || !server.config().getBool("aof-load-truncated")) {
                throw new IOException("Unexpected end of file reading the append only file " + file.getFileName()
                        + ". You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. "
                        + "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.");
            } else {
                if (multiStart >= 0) validUpTo = multiStart;
                server.log().warning("!!! Warning: short read while loading the AOF file " + file.getFileName() + "!!!");
                server.log().warning("AOF " + file.getFileName() + " loaded anyway because aof-load-truncated is enabled");
            }
            if (fake.multi().active()) server.dispatcher().call(fake, new byte[][] {"DISCARD".getBytes()});
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(validUpTo);
            }
        }
        return true;
    }

    private static int indexOf(byte[] d, int from, byte b) {
        for (int i = from; i < d.length; i++) if (d[i] == b) return i;
        return -1;
    }

    /** One RESP array of bulk strings: the offset after it, -1 if cut short, -2 if malformed. */
    private static int parse(byte[] d, int pos, List<byte[]> out) {
        if (d[pos] != '*') return -2;
        long[] n = new long[1];
        int p = readNumber(d, pos + 1, n);
        if (p < 0) return p;
        if (n[0] < 1) return -2;
        for (long i = 0; i < n[0]; i++) {
            if (p >= d.length) return -1;
            if (d[p] != '$') return -2;
            long[] len = new long[1];
            p = readNumber(d, p + 1, len);
            if (p < 0) return p;
            if (len[0] < 0) return -2;
            if (p + len[0] + 2 > d.length) return -1;
            byte[] arg = new byte[(int) len[0]];
            System.arraycopy(d, p, arg, 0, arg.length);
            out.add(arg);
            p += arg.length;
            if (d[p] != '\r' || d[p + 1] != '\n') return -2;
            p += 2;
        }
        return p;
    }

    private static int readNumber(byte[] d, int p, long[] out) {
        long v = 0;
        boolean neg = false;
        int start = p;
        while (true) {
            if (p >= d.length) return -1;
            byte b = d[p];
            if (b == '\r') break;
            if (b == '-' && p == start) neg = true;
            else if (b >= '0' && b <= '9') v = v * 10 + (b - '0');
            else return -2;
            p++;
        }
        if (p + 1 >= d.length) return -1;
        if (d[p + 1] != '\n') return -2;
        out[0] = neg ? -v : v;
        return p + 2;
    }
}
