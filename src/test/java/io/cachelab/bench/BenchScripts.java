package io.cachelab.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a bench/ tool as a process from the project root, with this JVM's java first on PATH. */
final class BenchScripts {
    static final Path ROOT = Path.of(System.getProperty("user.dir"));

    private BenchScripts() {
    }

    record Run(int exit, String out, String err) {
        /** The key=value pairs of the first "RESULT ..." line. */
        Map<String, String> result() {
            Map<String, String> m = new LinkedHashMap<>();
            out.lines().filter(l -> l.startsWith("RESULT ")).findFirst().ifPresent(l -> {
                for (String kv : l.substring(7).split(" ")) {
                    int eq = kv.indexOf('=');
                    m.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            });
            return m;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs {@code command} with {@code env} added, its output captured under {@code tmp}; fails after 100 s. */
    static Run run(Path tmp, List<String> command, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        // the scripts call `java`: make it this JVM's
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(100, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish within 100 s; stderr: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
