package io.cachelab.it.canal;

import com.alibaba.otter.canal.instance.manager.CanalInstanceWithManager;
import com.alibaba.otter.canal.instance.manager.model.Canal;
import com.alibaba.otter.canal.instance.manager.model.CanalParameter;
import com.alibaba.otter.canal.instance.manager.model.CanalParameter.BatchMode;
import com.alibaba.otter.canal.instance.manager.model.CanalParameter.HAMode;
import com.alibaba.otter.canal.instance.manager.model.CanalParameter.IndexMode;
import com.alibaba.otter.canal.instance.manager.model.CanalParameter.MetaMode;
import com.alibaba.otter.canal.instance.manager.model.CanalParameter.SourcingType;
import com.alibaba.otter.canal.instance.manager.model.CanalParameter.StorageMode;
import com.alibaba.otter.canal.server.embedded.CanalServerWithEmbedded;
import com.alibaba.otter.canal.server.netty.CanalServerWithNetty;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A real Canal server 1.1.7 configured in code instead of canal.properties/instance.properties: one
 * instance built by CanalInstanceWithManager with everything in memory (meta, store, index), no
 * table-schema tsdb, no GTID (MariaDB's GTID mode fails in Canal 1.1.7, so position mode), and the
 * Netty TCP front that canal.client speaks to, bound to 127.0.0.1 only. It starts the instance
 * itself because the embedded server only starts instances on demand.
 *
 * <p>Arguments are {@code --name value} pairs: port, db-host, db-port, db-user, db-password,
 * destination, slave-id. It prints {@code CANAL-READY <port>} once the TCP front listens; the
 * caller then waits until MariaDB lists the binlog dump thread before writing.
 */
public final class CanalServerMain {
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        int port = Integer.parseInt(a.getOrDefault("port", "11111"));
        String destination = a.getOrDefault("destination", "example");

        CanalParameter p = new CanalParameter();
        p.setCanalId(1L);
        p.setZkClusters(List.of());
        p.setMetaMode(MetaMode.MEMORY);
        p.setHaMode(HAMode.HEARTBEAT);
        p.setIndexMode(IndexMode.MEMORY);
        p.setStorageMode(StorageMode.MEMORY);
        p.setStorageBatchMode(BatchMode.ITEMSIZE);
        p.setMemoryStorageBufferSize(16 * 1024);
        p.setSourcingType(SourcingType.MYSQL);
        p.setDbAddresses(List.of(new InetSocketAddress(a.getOrDefault("db-host", "127.0.0.1"),
                Integer.parseInt(a.getOrDefault("db-port", "3306")))));
        p.setDbUsername(a.getOrDefault("db-user", "canal"));
        p.setDbPassword(a.getOrDefault("db-password", "canal"));
        p.setConnectionCharset("UTF-8");
        p.setSlaveId(Long.parseLong(a.getOrDefault("slave-id", "1234")));
        p.setDefaultConnectionTimeoutInSeconds(30);
        p.setDetectingEnable(false);
        p.setHeartbeatHaEnable(false);
        p.setTsdbEnable(false);
        p.setGtidEnable(false);
        p.setParallel(false);

        Canal canal = new Canal();
        canal.setId(1L);
        canal.setName(destination);
        canal.setDesc("cachelab it");
        canal.setCanalParameter(p);

        CanalServerWithEmbedded embedded = CanalServerWithEmbedded.instance();
        embedded.setCanalInstanceGenerator(dest -> new CanalInstanceWithManager(canal, ".*\\..*"));
        embedded.start();
        embedded.start(destination);

        CanalServerWithNetty netty = CanalServerWithNetty.instance();
        netty.setIp("127.0.0.1");
        netty.setPort(port);
        netty.setEmbeddedServer(embedded);
        netty.start();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                netty.stop();
                embedded.stop();
            } finally {
                stopped.countDown();
            }
        }, "canal-shutdown"));
        System.out.println("CANAL-READY " + port);
        System.out.flush();
        stopped.await();
    }
}
