package io.cachelab.engine.jmh;

import io.cachelab.engine.net.RequestParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.RedisInputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The engine's request parser against a reference parsing the same bytes in the same run: Jedis's
 * RESP reader (a well-kept client-side parser of the same multibulk format). A pipeline of 16 SET
 * commands, as redis-benchmark -P 16 sends them. Run with bench/jmh.sh; add -prof gc for
 * allocation per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParserBenchmark {
    static final int PIPELINE = 16;
    byte[] pipeline;

    @Setup
    public void setup() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < PIPELINE; i++) {
            String key = "key:" + (100000 + i);
            String cmd = "*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$3\r\nxxx\r\n";
            out.writeBytes(cmd.getBytes(StandardCharsets.US_ASCII));
        }
        pipeline = out.toByteArray();
    }

    @Benchmark
    public void engineParser(Blackhole bh) throws RequestParser.ProtocolException {
        RequestParser p = new RequestParser();
        p.feed(pipeline, 0, pipeline.length);
        byte[][] argv;
        while ((argv = p.next(512L * 1024 * 1024)) != null) bh.consume(argv);
    }

    @Benchmark
    public void jedisReader(Blackhole bh) {
        RedisInputStream in = new RedisInputStream(new ByteArrayInputStream(pipeline), 1024);
        for (int i = 0; i < PIPELINE; i++) bh.consume(Protocol.read(in));
    }
}
