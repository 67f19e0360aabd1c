package io.cachelab.engine.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A socket for sending bytes no client library would send. Writing and reading run concurrently
 * where it matters: a server that rejects a 10 MB line closes while we are still writing, and the
 * error text it sent first must still be read before the reset arrives.
 */
final class RawConnection implements AutoCloseable {
    /** What came back: the bytes, and whether the server closed (EOF or reset) before the timeout. */
    record Received(byte[] bytes, boolean closed) {
        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawConnection(int port) {
        try {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes (ignoring a reset caused by the server closing on us). */
    void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // the server may close mid-write after a protocol error; the reply is what we assert
        }
    }

    /** Writes {@code bytes} on a background thread while reading until close or {@code timeoutMs} of silence. */
    Received writeWhileReading(byte[] bytes, int timeoutMs) {
        Thread writer = new Thread(() -> write(bytes), "raw-writer");
        writer.setDaemon(true);
        writer.start();
        Received r = readUntilClosed(timeoutMs);
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return r;
    }

    void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException ignored) {
            // already closed by the server
        }
    }

    /** Reads until the server closes, or until nothing arrives for {@code idleTimeoutMs}. */
    Received readUntilClosed(int idleTimeoutMs) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 16];
        try {
            socket.setSoTimeout(idleTimeoutMs);
            while (true) {
                int n = in.read(chunk);
                if (n < 0) return new Received(got.toByteArray(), true);
                got.write(chunk, 0, n);
            }
        } catch (SocketTimeoutException e) {
            return new Received(got.toByteArray(), false);
        } catch (IOException e) {
            return new Received(got.toByteArray(), true); // reset: closed
        }
    }

    /** Reads exactly {@code n} bytes (or fails). */
    byte[] readExactly(int n, int timeoutMs) {
        try {
            socket.setSoTimeout(timeoutMs);
            return in.readNBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
