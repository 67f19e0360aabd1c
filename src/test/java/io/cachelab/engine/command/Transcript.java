package io.cachelab.engine.command;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays a transcript of commands over a raw socket and renders each reply exactly (RESP2 or
 * RESP3 types, double text, nil kinds), so a transcript recorded against redis-server 7.0.15 is a
 * byte-level expectation for the engine. A transcript is lines of "command" then "= reply";
 * "@3" / "@2" switch the connection's protocol with HELLO; "#" starts a comment; a "? " prefix
 * marks a step whose command belongs to another family and is skipped while the engine lacks it.
 * Record with: java ... io.cachelab.engine.command.Transcript PORT in.txt > out.txt
 */
final class Transcript {
    record Step(String command, String expected, int line, boolean optional) {
    }

    static List<Step> parse(String text) {
        List<Step> steps = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.isBlank() || l.startsWith("#") || l.startsWith("= ")) continue;
            String expected = i + 1 < lines.length && lines[i + 1].startsWith("= ") ? lines[i + 1].substring(2) : null;
            boolean optional = l.startsWith("? ");
            steps.add(new Step(optional ? l.substring(2) : l, expected, i + 1, optional));
        }
        return steps;
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Transcript(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void close() throws IOException {
        socket.close();
    }

    /** Sends one command line and returns the rendered reply. */
    String run(String line) throws IOException {
        if (line.equals("@3")) line = "HELLO 3";
        if (line.equals("@2")) line = "HELLO 2";
        List<String> args = split(line);
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            req.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            req.writeBytes(b);
            req.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(req.toByteArray());
        out.flush();
        String reply = read();
        return line.startsWith("HELLO") ? "(hello)" : reply;
    }

    /** Reads the next reply (or pushed message) without sending anything. */
    String next() throws IOException {
        return read();
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inQuote = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (inQuote) {
                if (ch == '\\' && i + 1 < line.length()) {
                    char n = line.charAt(++i);
                    cur.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
                } else if (ch == '"') {
                    inQuote = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                inQuote = true;
                any = true;
            } else if (ch == ' ') {
                if (any || cur.length() > 0) out.add(cur.toString());
                cur.setLength(0);
                any = false;
            } else {
                cur.append(ch);
            }
        }
        if (any || cur.length() > 0) out.add(cur.toString());
        return out;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int ch;
        while ((ch = in.read()) != '\r') {
            if (ch < 0) throw new IOException("connection closed");
            b.write(ch);
        }
        in.read();
        return b.toString(StandardCharsets.UTF_8);
    }

    private String read() throws IOException {
        int type = in.read();
        String head = readLine();
        switch (type) {
            case '+', '-', ':', ',', '#', '(':
                return (char) type + head;
            case '_':
                return "_";
            case '$', '=': {
                int len = Integer.parseInt(head);
                if (len < 0) return "$-1";
                byte[] data = in.readNBytes(len);
                in.read();
                in.read();
                return "\"" + new String(data, StandardCharsets.UTF_8).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            }
            case '*', '~', '>', '%': {
                int len = Integer.parseInt(head);
                if (len < 0) return "*-1";
                int items = type == '%' ? len * 2 : len;
                StringBuilder sb = new StringBuilder(type == '*' ? "[" : type == '~' ? "~[" : type == '>' ? ">[" : "%[");
                for (int i = 0; i < items; i++) {
                    if (i > 0) sb.append(' ');
                    sb.append(read());
                }
                return sb.append(']').toString();
            }
            default:
                throw new IOException("bad reply type " + (char) type + head);
        }
    }

    /** Record mode: replays a transcript against a server (real Redis) and prints it with replies. */
    public static void main(String[] args) throws IOException {
        Transcript t = new Transcript(Integer.parseInt(args[0]));
        for (String l : Files.readAllLines(Path.of(args[1]))) {
            if (l.startsWith("= ")) continue;
            System.out.println(l);
            if (l.isBlank() || l.startsWith("#")) continue;
            System.out.println("= " + t.run(l.startsWith("? ") ? l.substring(2) : l));
        }
        t.close();
    }
}
