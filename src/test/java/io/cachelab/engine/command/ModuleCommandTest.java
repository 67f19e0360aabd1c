package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.cachelab.engine.command.RawJedis.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MODULE, and the protected-command check the dispatcher makes for it and for DEBUG. The engine
 * cannot load modules (they are C shared objects), so it has none. Every expected reply was read
 * from a real redis-server 7.0.15 given the same commands (with a path that does not exist, so its
 * dlopen fails too).
 */
class ModuleCommandTest {
    private static final String NOT_ALLOWED = "!ERR MODULE command not allowed. If the enable-module-command option is "
            + "set to \"local\", you can run it from a local connection, otherwise you need to set this option in the "
            + "configuration file, and then restart the server.";
    private static final String LOAD_FAILED = "!ERR Error loading the extension. Please check the server logs.";

    @Test
    void byDefaultNoModuleIsListedAndLoadingIsRefused() {
        try (TestEngine engine = TestEngine.start(); Jedis j = engine.jedis()) {
            assertThat(call(j, "MODULE", "LIST")).isEqualTo(List.of());
            @SuppressWarnings("unchecked")
            List<Object> help = (List<Object>) call(j, "MODULE", "HELP");
            assertThat(help).hasSize(11).startsWith("MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
                    .endsWith("HELP", "    Prints this help.");
            assertThat(call(j, "MODULE", "LOAD", "/nonexistent/x.so")).isEqualTo(NOT_ALLOWED);
            assertThat(call(j, "MODULE", "LOADEX", "/nonexistent/x.so")).isEqualTo(NOT_ALLOWED);
            assertThat(call(j, "MODULE", "UNLOAD", "x")).isEqualTo(NOT_ALLOWED);
            assertThat(call(j, "MODULE", "BOGUS")).isEqualTo("!ERR unknown subcommand 'BOGUS'. Try MODULE HELP.");
            assertThat(call(j, "MODULE", "LIST", "extra")).isEqualTo("!ERR wrong number of arguments for 'module|list' command");
        }
    }

    /** Rejected when queued, as processCommand does: the transaction is aborted, not run without it. */
    @Test
    void aRefusedLoadInsideMultiAbortsTheTransaction() {
        try (TestEngine engine = TestEngine.start(); Jedis j = engine.jedis()) {
            assertThat(call(j, "MULTI")).isEqualTo("OK");
            assertThat(call(j, "MODULE", "LOAD", "/nonexistent/x.so")).isEqualTo(NOT_ALLOWED);
            assertThat(call(j, "PING")).isEqualTo("QUEUED");
            assertThat(call(j, "EXEC")).isEqualTo("!EXECABORT Transaction discarded because of previous errors.");
        }
    }

    /** The check comes right after arity, before authentication. */
    @Test
    void protectedCommandsAreRefusedBeforeAuthentication() {
        try (TestEngine engine = TestEngine.start("requirepass", "secret", "enable-debug-command", "no");
             Jedis j = engine.jedis()) {
            assertThat(call(j, "DEBUG", "SLEEP", "0")).isEqualTo("!ERR DEBUG command not allowed. If the enable-debug-command "
                    + "option is set to \"local\", you can run it from a local connection, otherwise you need to set this "
                    + "option in the configuration file, and then restart the server.");
            assertThat(call(j, "MODULE", "LOAD", "/nonexistent/x.so")).isEqualTo(NOT_ALLOWED);
            assertThat(call(j, "MODULE", "LIST")).isEqualTo("!NOAUTH Authentication required.");
        }
    }

    @Test
    void withTheCommandEnabledLoadingFailsAsAFailedDlopenDoes() {
        try (TestEngine engine = TestEngine.start("enable-module-command", "yes"); Jedis j = engine.jedis()) {
            assertThat(call(j, "MODULE", "LOAD", "/nonexistent/x.so", "a", "b")).isEqualTo(LOAD_FAILED);
            assertThat(call(j, "MODULE", "LOADEX", "/nonexistent/x.so", "CONFIG", "n", "v", "ARGS", "x")).isEqualTo(LOAD_FAILED);
            assertThat(call(j, "MODULE", "LOADEX", "/nonexistent/x.so", "BOGUS")).isEqualTo(LOAD_FAILED);
            assertThat(call(j, "MODULE", "LOADEX", "/nonexistent/x.so", "CONFIG", "n")).isEqualTo(LOAD_FAILED);
            assertThat(call(j, "MODULE", "UNLOAD", "x")).isEqualTo("!ERR Error unloading module: no such module with that name");
            assertThat(call(j, "MODULE", "LIST")).isEqualTo(List.of());
        }
    }

    /** islocalClient: a Unix socket peer is local, as a loopback TCP one is (not only 127.0.0.1). */
    @Test
    void aUnixSocketConnectionIsLocal() throws Exception {
        Path socket = Files.createTempDirectory("cachelab-unix-").resolve("engine.sock");
        try (TestEngine engine = TestEngine.start("unixsocket", socket.toString(), "enable-module-command", "local",
                "enable-debug-command", "local");
             SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            assertThat(send(ch, "*3\r\n$6\r\nMODULE\r\n$6\r\nUNLOAD\r\n$1\r\nx\r\n"))
                    .isEqualTo("-ERR Error unloading module: no such module with that name\r\n");
            assertThat(send(ch, "*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$1\r\n0\r\n")).isEqualTo("+OK\r\n");
        }
    }

    private static String send(SocketChannel ch, String command) throws Exception {
        ch.write(ByteBuffer.wrap(command.getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer in = ByteBuffer.allocate(256);
        do {
            if (ch.read(in) < 0) break;
        } while (in.position() < 2 || in.get(in.position() - 1) != '\n');
        return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
    }
}
