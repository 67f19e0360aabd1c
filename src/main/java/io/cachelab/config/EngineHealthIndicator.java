package io.cachelab.config;

import io.cachelab.engine.Engine;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Actuator health for the embedded engine ("engine"): up when it answers PING over its own port,
 * so the check exercises the same path clients use rather than peeking at internal state.
 */
@Component("engine")
@ConditionalOnBean(name = EmbeddedEngineConfiguration.ENGINE_BEAN)
class EngineHealthIndicator extends AbstractHealthIndicator {
    private final Engine engine;
    private final EngineProperties props;

    EngineHealthIndicator(Engine engine, EngineProperties props) {
        super("Embedded engine health check failed");
        this.engine = engine;
        this.props = props;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(props.getBind(), engine.port()), 1000);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            String reply = new String(buf, 0, n, StandardCharsets.US_ASCII);
            builder.withDetail("port", engine.port()).withDetail("mode", "embedded")
                    .withDetail("pingMicros", (System.nanoTime() - start) / 1000);
            if (reply.equals("+PONG\r\n")) builder.up();
            else builder.down().withDetail("reply", reply.trim());
        }
    }
}
