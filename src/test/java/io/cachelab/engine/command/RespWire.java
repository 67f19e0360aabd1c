package io.cachelab.engine.command;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw RESP connection that renders every reply as one line of text (":1", "+OK", "-ERR ...",
 * "$'bytes'", "*[...]", "nil"), so replies from the engine and from a real redis-server can be
 * compared exactly, type markers included, without a client library interpreting them.
 */
final class RespWire implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespWire(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String call(List<byte[]> args) {
        send(args);
        return readReply();
    }

    private void send(List<byte[]> args) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte[] a : args) {
                b.write(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                b.write(a);
                b.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write(b.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String call(String line) {
        return call(tokenize(line));
    }

    /** Sends a command answered by a bulk string (INFO) and returns its text unescaped. */
    String bulkText(String line) {
        send(tokenize(line));
        try {
            String header = readLine();
            if (header.charAt(0) != '$' && header.charAt(0) != '=') throw new IllegalStateException(header);
            int n = Integer.parseInt(header.substring(1));
            return new String(in.readNBytes(n + 2), 0, n, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends without reading (a subscriber's PING, whose answer comes after pending messages). */
    void callNoRead(String line) {
        send(tokenize(line));
    }

    String readReply() {
        try {
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String read() throws IOException {
        String line = readLine();
        char type = line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '+', '-', ':', ',', '#', '(':
                return line;
            case '_':
                return "nil";
            case '$': {
                int n = Integer.parseInt(rest);
                if (n < 0) return "nil";
                byte[] d = in.readNBytes(n + 2);
                return "$'" + escape(d, n) + "'";
            }
            case '*', '%', '~', '>': {
                int n = Integer.parseInt(rest);
                if (n < 0) return "nil*";
                if (type == '%') n *= 2;
                List<String> items = new ArrayList<>();
                for (int i = 0; i < n; i++) items.add(read());
                return type + "[" + String.join(", ", items) + "]";
            }
            default:
                return "?" + line;
        }
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) throw new IOException("connection closed");
            sb.append((char) c);
        }
        in.read();
        return sb.toString();
    }

    private static String escape(byte[] d, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int x = d[i] & 0xff;
            if (x >= 32 && x < 127 && x != '\\') sb.append((char) x);
            else sb.append(String.format("\\x%02x", x));
        }
        return sb.toString();
    }

    /** Splits a command line: spaces separate, double quotes group, \xHH \n \" \\ escape inside quotes. */
    static List<byte[]> tokenize(String line) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && line.charAt(i) == ' ') i++;
            if (i >= n) break;
            ByteArrayOutputStream tok = new ByteArrayOutputStream();
            if (line.charAt(i) == '"') {
                i++;
                while (i < n && line.charAt(i) != '"') {
                    char ch = line.charAt(i);
                    if (ch == '\\' && i + 1 < n) {
                        char e = line.charAt(i + 1);
                        if (e == 'x' && i + 3 < n) {
                            tok.write(Integer.parseInt(line.substring(i + 2, i + 4), 16));
                            i += 4;
                            continue;
                        }
                        tok.write(e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e);
                        i += 2;
                        continue;
                    }
                    tok.write(ch);
                    i++;
                }
                i++;
            } else {
                while (i < n && line.charAt(i) != ' ') tok.write(line.charAt(i++));
            }
            out.add(tok.toByteArray());
        }
        return out;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test connection
        }
    }
}
