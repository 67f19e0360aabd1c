package io.cachelab.engine.it;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately tiny RESP2 client: argv goes out as bytes, the reply comes back as a {@link Reply}
 * tree with nothing interpreted. Client libraries reshape replies (nil vs empty, numbers vs
 * strings) and would hide exactly the differences the differential tests exist to find.
 */
public final class RespClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RespClient(String host, int port) {
        this(host, port, 10_000);
    }

    public RespClient(String host, int port, int readTimeoutMs) {
        try {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(readTimeoutMs);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + host + ":" + port, e);
        }
    }

    public Reply call(byte[]... argv) {
        send(argv);
        flush();
        return read();
    }

    public Reply call(Object... parts) {
        return call(RedisCli.argv(parts));
    }

    public void send(byte[]... argv) {
        try {
            writeHeader('*', argv.length);
            for (byte[] a : argv) {
                writeHeader('$', a.length);
                out.write(a);
                out.write('\r');
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void sendRaw(byte[] raw) {
        try {
            out.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeHeader(char prefix, int n) throws IOException {
        out.write(prefix);
        out.write(Integer.toString(n).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
    }

    public Reply read() {
        try {
            return readReply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Socket socket() {
        return socket;
    }

    private Reply readReply() throws IOException {
        int type = in.read();
        if (type < 0) throw new EOFException("connection closed by server");
        String line = readLine();
        return switch (type) {
            case '+' -> Reply.simple(line);
            case '-' -> Reply.error(line);
            case ':' -> Reply.integer(Long.parseLong(line));
            case '$' -> {
                int len = Integer.parseInt(line);
                if (len < 0) yield Reply.nil();
                byte[] b = in.readNBytes(len);
                if (b.length != len || in.read() != '\r' || in.read() != '\n') throw new IOException("bad bulk framing");
                yield Reply.bulk(b);
            }
            case '*' -> {
                int n = Integer.parseInt(line);
                if (n < 0) yield Reply.nullArray();
                List<Reply> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) items.add(readReply());
                yield Reply.array(items);
            }
            default -> throw new IOException("unexpected RESP type byte " + type + " ('" + (char) type + "')");
        };
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) throw new EOFException("connection closed mid-line");
            if (c == '\r') {
                if (in.read() != '\n') throw new IOException("CR without LF");
                return sb.toString();
            }
            sb.append((char) c);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket the server already dropped is fine
        }
    }
}
