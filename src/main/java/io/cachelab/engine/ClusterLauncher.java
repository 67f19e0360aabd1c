package io.cachelab.engine;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A local cluster in one command, as Redis's utils/create-cluster does with redis-cli:
 * {@code java -jar cachelab.jar cluster start --nodes 6 --replicas 1 --port 7000} starts that many
 * engine processes (ports 7000.., bus ports +10000, files under --dir), gives the masters equal
 * slot ranges, introduces every node with CLUSTER MEET, makes the rest replicas with CLUSTER
 * REPLICATE and waits for cluster_state:ok on all of them; {@code cluster stop} shuts them down
 * (SHUTDOWN NOSAVE, then the recorded PID). Nodes run with appendonly yes, as create-cluster's do
 * (--appendonly no for benchmarks). No redis-cli is needed: it speaks RESP itself.
 */
public final class ClusterLauncher {
    private static final long WAIT_MS = 60_000;

    private final int nodes;
    private final int replicas;
    private final int port;
    private final int timeout;
    private final Path dir;
    private final String appendonly;

    private ClusterLauncher(Map<String, String> opts) {
        this.nodes = Integer.parseInt(opts.getOrDefault("nodes", "6"));
        this.replicas = Integer.parseInt(opts.getOrDefault("replicas", "1"));
        this.port = Integer.parseInt(opts.getOrDefault("port", "7000"));
        this.timeout = Integer.parseInt(opts.getOrDefault("node-timeout", "2000"));
        this.dir = Path.of(opts.getOrDefault("dir", "cluster")).toAbsolutePath();
        this.appendonly = opts.getOrDefault("appendonly", "yes");
        if (nodes < 1 || replicas < 0 || nodes / (replicas + 1) < 1) {
            throw new IllegalArgumentException("--nodes must allow at least one master with --replicas each");
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        String action = !rest.isEmpty() && !rest.get(0).startsWith("--") ? rest.remove(0) : "start";
        ClusterLauncher launcher;
        try {
            launcher = new ClusterLauncher(options(rest));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + usage());
            System.exit(2);
            return;
        }
        switch (action) {
            case "start" -> launcher.start();
            case "stop" -> launcher.stop();
            default -> {
                System.err.println(usage());
                System.exit(2);
            }
        }
    }

    private static String usage() {
        return "usage: java -jar cachelab.jar cluster [start|stop] [--nodes 6] [--replicas 1] [--port 7000]"
                + " [--node-timeout 2000] [--dir cluster] [--appendonly yes]";
    }

    private static Map<String, String> options(List<String> args) {
        Map<String, String> opts = new TreeMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i);
            if (!name.startsWith("--") || i + 1 >= args.size()) throw new IllegalArgumentException("bad option " + name);
            opts.put(name.substring(2), args.get(i + 1));
        }
        for (String k : opts.keySet()) {
            if (!List.of("nodes", "replicas", "port", "node-timeout", "dir", "appendonly").contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k);
            }
        }
        return opts;
    }

    private void start() throws Exception {
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < nodes; i++) pids.add(spawn(port + i));
        Files.writeString(dir.resolve("pids"), pids.stream().map(String::valueOf).reduce((a, b) -> a + "\n" + b).orElse("") + "\n");
        for (int i = 0; i < nodes; i++) awaitPong(port + i);
        form();
        System.out.println("cluster of " + nodes + " nodes (" + masters() + " masters, " + replicas
                + " replica(s) each) is up on ports " + port + "-" + (port + nodes - 1) + "; files in " + dir);
        System.out.println("try: redis-cli -c -p " + port + "   stop: java -jar cachelab.jar cluster stop --port "
                + port + " --nodes " + nodes);
    }

    private int masters() {
        return nodes / (replicas + 1);
    }

    private long spawn(int p) throws IOException {
        Path home = dir.resolve(Integer.toString(p));
        Files.createDirectories(home);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC"));
        cmd.addAll(launch());
        cmd.addAll(List.of("engine", "--port", Integer.toString(p), "--bind", "127.0.0.1",
                "--dir", home.toString(), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", Integer.toString(timeout), "--appendonly", appendonly, "--logfile", "engine.log"));
        Process proc = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(home.resolve("stdout.log").toFile()).redirectErrorStream(true).start();
        System.out.println("started node " + p + " (pid " + proc.pid() + ")");
        return proc.pid();
    }

    /** The way back into this jar: -jar for the Spring Boot jar, else the class path (tests, the IDE). */
    private static List<String> launch() throws IOException {
        String cp = System.getProperty("java.class.path");
        if (cp.endsWith(".jar") && !cp.contains(File.pathSeparator)) {
            try (JarFile jar = new JarFile(cp)) {
                Manifest m = jar.getManifest();
                if (m != null && m.getMainAttributes().getValue("Start-Class") != null) return List.of("-jar", cp);
            }
        }
        return List.of("-cp", cp, "io.cachelab.CacheLabApplication");
    }

    private void awaitPong(int p) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (true) {
            try {
                if ("PONG".equals(call(p, "PING"))) return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) throw new IOException("node " + p + " did not start: " + e.getMessage());
            }
            Thread.sleep(100);
        }
    }

    /** redis-cli --cluster create's steps, on one host: slots, MEET, REPLICATE, then wait for ok. */
    private void form() throws Exception {
        int m = masters();
        for (int i = 0; i < m; i++) {
            int from = 16384 * i / m;
            int to = 16384 * (i + 1) / m - 1;
            call(port + i, "CLUSTER", "ADDSLOTSRANGE", Integer.toString(from), Integer.toString(to));
            System.out.println("master " + (port + i) + " slots " + from + "-" + to);
        }
        for (int i = 1; i < nodes; i++) call(port + i, "CLUSTER", "MEET", "127.0.0.1", Integer.toString(port));
        await("every node to know all " + nodes, () -> {
            for (int i = 0; i < nodes; i++) {
                if (call(port + i, "CLUSTER", "NODES").lines().count() != nodes) return false;
            }
            return true;
        });
        for (int i = m; i < nodes; i++) {
            int master = port + (i - m) % m;
            String id = call(master, "CLUSTER", "MYID");
            call(port + i, "CLUSTER", "REPLICATE", id);
            System.out.println("replica " + (port + i) + " of " + master);
        }
        long replicaCount = nodes - m;
        await("cluster_state:ok and every replica known on every node", () -> {
            for (int i = 0; i < nodes; i++) {
                if (!call(port + i, "CLUSTER", "INFO").contains("cluster_state:ok")) return false;
                if (call(port + i, "CLUSTER", "NODES").lines().filter(l -> l.contains("slave")).count() != replicaCount) return false;
            }
            return true;
        });
    }

    interface Condition {
        boolean met() throws IOException;
    }

    private static void await(String what, Condition c) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!c.met()) {
            if (System.currentTimeMillis() > deadline) throw new IOException("timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    private void stop() throws IOException {
        for (int i = 0; i < nodes; i++) {
            try {
                call(port + i, "SHUTDOWN", "NOSAVE");
            } catch (IOException e) {
                // SHUTDOWN closes the connection instead of answering; a node already gone is fine too
            }
        }
        Path pids = dir.resolve("pids");
        if (Files.exists(pids)) {
            for (String line : Files.readAllLines(pids)) {
                if (!line.isBlank()) ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(ProcessHandle::destroy);
            }
            Files.delete(pids);
        }
        System.out.println("stopped nodes on ports " + port + "-" + (port + nodes - 1));
    }

    /** One command on a fresh connection; the reply as text (errors throw, arrays are not expected). */
    static String call(int p, String... argv) throws IOException {
        try (Socket s = new Socket("127.0.0.1", p)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            StringBuilder req = new StringBuilder("*").append(argv.length).append("\r\n");
            for (String a : argv) {
                req.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            }
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            String head = line(in);
            if (head.isEmpty()) throw new IOException("connection closed");
            return switch (head.charAt(0)) {
                case '+', ':' -> head.substring(1);
                case '-' -> throw new IOException(head.substring(1));
                case '$' -> new String(in.readNBytes(Integer.parseInt(head.substring(1))), StandardCharsets.UTF_8);
                default -> throw new IOException("unexpected reply " + head);
            };
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
