package io.cachelab;

import io.cachelab.engine.EngineMain;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import java.util.Arrays;

/**
 * One jar, two entry points: `java -jar cachelab.jar` runs the service (with the embedded engine),
 * `java -jar cachelab.jar engine --port 6380 ...` runs the engine alone, like redis-server, and
 * `java -jar cachelab.jar sentinel sentinel.conf` (or `engine sentinel.conf --sentinel`) runs a
 * Sentinel, like redis-sentinel; `java -jar cachelab.jar cluster start|stop --nodes 6 --replicas 1
 * --port 7000` starts and forms (or stops) a local cluster of engine processes, like create-cluster.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CacheLabApplication {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("sentinel")) {
            io.cachelab.engine.sentinel.SentinelMain.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("engine") && Arrays.asList(args).contains("--sentinel")) {
            io.cachelab.engine.sentinel.SentinelMain.main(Arrays.stream(args).skip(1).filter(a -> !a.equals("--sentinel"))
                    .toArray(String[]::new));
            return;
        }
        if (args.length > 0 && args[0].equals("cluster")) {
            io.cachelab.engine.ClusterLauncher.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("engine")) {
            EngineMain.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(CacheLabApplication.class, args);
    }
}
