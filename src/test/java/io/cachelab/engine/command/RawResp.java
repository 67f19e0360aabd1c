package io.cachelab.engine.command;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A bare RESP connection for asserting exact wire bytes (RESP3 map/set/array types, nested pairs)
 * and reading pub/sub pushes, which Jedis hides. Reads exactly one reply per call.
 */
final class RawResp implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawResp(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(5000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a command and returns its whole reply as text, e.g. "~2\r\n$1\r\na\r\n$1\r\nb\r\n". */
    String call(String... args) {
        send(args);
        return read();
    }

    void send(String... args) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String a : args) {
                byte[] x = a.getBytes(StandardCharsets.UTF_8);
                b.write(("$" + x.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                b.write(x);
                b.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            out.write(b.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one complete reply. */
    String read() {
        StringBuilder sb = new StringBuilder();
        readValue(sb);
        return sb.toString();
    }

    private void readValue(StringBuilder sb) {
        String line = readLine();
        sb.append(line).append("\r\n");
        char type = line.charAt(0);
        switch (type) {
            case '$', '=', '!' -> {
                int n = Integer.parseInt(line.substring(1));
                if (n >= 0) {
                    sb.append(new String(readBytes(n + 2), StandardCharsets.UTF_8));
                }
            }
            case '*', '~', '>' -> {
                int n = Integer.parseInt(line.substring(1));
                for (int i = 0; i < n; i++) readValue(sb);
            }
            case '%' -> {
                int n = Integer.parseInt(line.substring(1));
                for (int i = 0; i < 2 * n; i++) readValue(sb);
            }
            default -> {
            }
        }
    }

    private String readLine() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            int prev = -1;
            while (true) {
                int c = in.read();
                if (c < 0) throw new IOException("connection closed");
                if (prev == '\r' && c == '\n') break;
                if (prev >= 0) b.write(prev);
                prev = c;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private byte[] readBytes(int n) {
        try {
            return in.readNBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
