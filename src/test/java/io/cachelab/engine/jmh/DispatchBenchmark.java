package io.cachelab.engine.jmh;

import io.cachelab.engine.Engine;
import io.cachelab.engine.server.Server;
import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.net.Client;
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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The dispatch path (table lookup, checks, the command, the reply bytes) for GET and SET on a
 * socketless client, against the floor it is built on measured in the same run: a HashMap put/get
 * of the same keys. The ratio is what the Redis semantics cost on top of a bare map.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DispatchBenchmark {
    Server server;
    Client client;
    byte[][][] sets;
    byte[][][] gets;
    Map<String, byte[]> map;
    String[] keys;
    int i;

    @Setup
    public void setup() throws IOException {
        server = Engine.assemble(EngineConfig.defaults().set("port", "0"));
        client = Client.internal(server);
        sets = new byte[1000][][];
        gets = new byte[1000][][];
        keys = new String[1000];
        map = new HashMap<>();
        for (int k = 0; k < 1000; k++) {
            byte[] key = ("key:" + k).getBytes(StandardCharsets.US_ASCII);
            sets[k] = new byte[][]{"SET".getBytes(), key, "value".getBytes()};
            gets[k] = new byte[][]{"GET".getBytes(), key};
            keys[k] = "key:" + k;
        }
    }

    @Benchmark
    public int engineSetGet() {
        int k = (i++) & 1023;
        if (k >= 1000) k -= 1000;
        server.dispatcher().call(client, sets[k]);
        server.dispatcher().call(client, gets[k]);
        int n = client.reply().length();
        client.reply().clear();
        return n;
    }

    @Benchmark
    public int hashMapPutGet() {
        int k = (i++) & 1023;
        if (k >= 1000) k -= 1000;
        map.put(keys[k], "value".getBytes(StandardCharsets.US_ASCII));
        return map.get(keys[k]).length;
    }
}
