package io.cachelab.engine.persistence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis 7's AOF manifest (aof.c's aofManifest): which base file, incremental files and history
 * files make up the AOF, one line each, e.g. {@code file appendonly.aof.1.base.rdb seq 1 type b}.
 * The names follow Redis exactly so redis-check-aof and a real server read our directory; the file
 * is replaced by write-to-temp + fsync + rename, so a crash leaves the old manifest or the new one.
 */
final class AofManifest {
    record File(String name, long seq, char type) {
    }

    File base;
    final List<File> incrs = new ArrayList<>();
    final List<File> history = new ArrayList<>();
    long currentBaseSeq;
    long currentIncrSeq;

    static String manifestName(String appendfilename) {
        return appendfilename + ".manifest";
    }

    static AofManifest parse(String text) {
        AofManifest m = new AofManifest();
        for (String raw : text.split("\n")) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] parts = line.split(" ");
            String name = null;
            long seq = -1;
            char type = 0;
            for (int i = 0; i + 1 < parts.length; i += 2) {
                switch (parts[i]) {
                    case "file" -> name = parts[i + 1];
                    case "seq" -> seq = Long.parseLong(parts[i + 1]);
                    case "type" -> type = parts[i + 1].charAt(0);
                    default -> { }
                }
            }
            if (name == null || seq < 0 || type == 0) throw new IllegalStateException("Invalid AOF manifest file format");
            File f = new File(name, seq, type);
            switch (type) {
                case 'b' -> {
                    m.base = f;
                    m.currentBaseSeq = seq;
                }
                case 'i' -> {
                    m.incrs.add(f);
                    m.currentIncrSeq = Math.max(m.currentIncrSeq, seq);
                }
                case 'h' -> m.history.add(f);
                default -> throw new IllegalStateException("Unknown AOF file type " + type);
            }
        }
        return m;
    }

    String format() {
        StringBuilder sb = new StringBuilder();
        if (base != null) line(sb, base);
        for (File f : history) line(sb, f);
        for (File f : incrs) line(sb, f);
        return sb.toString();
    }

    private static void line(StringBuilder sb, File f) {
        sb.append("file ").append(f.name).append(" seq ").append(f.seq).append(" type ").append(f.type).append('\n');
    }

    /** getNewBaseFileNameAndMarkPreAsHistory's naming: the next base, .rdb with a preamble. */
    File nextBase(String appendfilename, boolean rdb) {
        long seq = ++currentBaseSeq;
        return new File(appendfilename + "." + seq + ".base." + (rdb ? "rdb" : "aof"), seq, 'b');
    }

    File nextIncr(String appendfilename) {
        long seq = ++currentIncrSeq;
        File f = new File(appendfilename + "." + seq + ".incr.aof", seq, 'i');
        incrs.add(f);
        return f;
    }

    File lastIncr() {
        return incrs.isEmpty() ? null : incrs.get(incrs.size() - 1);
    }

    static AofManifest load(Path dir, String appendfilename) throws IOException {
        Path p = dir.resolve(manifestName(appendfilename));
        if (!Files.exists(p)) return null;
        return parse(Files.readString(p, StandardCharsets.US_ASCII));
    }

    void persist(Path dir, String appendfilename) throws IOException {
        Path tmp = dir.resolve("temp-" + manifestName(appendfilename));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(format().getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(manifestName(appendfilename)), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
