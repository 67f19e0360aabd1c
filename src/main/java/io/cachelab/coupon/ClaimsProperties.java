package io.cachelab.coupon;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code cachelab.claims.*}: how accepted claims travel from the claim script to the database. The
 * defaults favour a quick, visible recovery in a lab (a dead consumer's entries are reclaimed after
 * 30 s) over throughput tuning.
 */
@ConfigurationProperties("cachelab.claims")
class ClaimsProperties {
    enum Queue { REDIS, KAFKA }

    /** redis: the worker persists straight from the stream; kafka: a relay moves entries to Kafka first. */
    private Queue queue = Queue.REDIS;
    /** Runs the stream consumers in this instance (several instances share the consumer group). */
    private boolean workerEnabled = true;
    private String group = "claim-workers";
    /** Entries per XREADGROUP. */
    private int batch = 50;
    /** XREADGROUP BLOCK time. */
    private Duration block = Duration.ofSeconds(1);
    /** A pending entry idle this long is taken over with XAUTOCLAIM (its consumer is presumed dead). */
    private Duration reclaimIdle = Duration.ofSeconds(30);
    /** Deliveries after which a failing claim goes to the dead letter table. */
    private int maxDeliveries = 5;
    /** Claim requests a user may make for one coupon per rate interval (a sliding window in the claim script); 429 beyond; 0 turns the limit off. */
    private long ratePermits = 5;
    private Duration rateInterval = Duration.ofSeconds(1);
    private String kafkaTopic = "cachelab.claims";
    /** How long the relay waits for Kafka's acknowledgement of a send before leaving the entry pending. */
    private Duration kafkaSendTimeout = Duration.ofSeconds(10);

    public Queue getQueue() { return queue; }
    public void setQueue(Queue queue) { this.queue = queue; }
    public boolean isWorkerEnabled() { return workerEnabled; }
    public void setWorkerEnabled(boolean workerEnabled) { this.workerEnabled = workerEnabled; }
    public String getGroup() { return group; }
    public void setGroup(String group) { this.group = group; }
    public int getBatch() { return batch; }
    public void setBatch(int batch) { this.batch = batch; }
    public Duration getBlock() { return block; }
    public void setBlock(Duration block) { this.block = block; }
    public Duration getReclaimIdle() { return reclaimIdle; }
    public void setReclaimIdle(Duration reclaimIdle) { this.reclaimIdle = reclaimIdle; }
    public int getMaxDeliveries() { return maxDeliveries; }
    public void setMaxDeliveries(int maxDeliveries) { this.maxDeliveries = maxDeliveries; }
    public long getRatePermits() { return ratePermits; }
    public void setRatePermits(long ratePermits) { this.ratePermits = ratePermits; }
    public Duration getRateInterval() { return rateInterval; }
    public void setRateInterval(Duration rateInterval) { this.rateInterval = rateInterval; }
    public String getKafkaTopic() { return kafkaTopic; }
    public void setKafkaTopic(String kafkaTopic) { this.kafkaTopic = kafkaTopic; }
    public Duration getKafkaSendTimeout() { return kafkaSendTimeout; }
    public void setKafkaSendTimeout(Duration kafkaSendTimeout) { this.kafkaSendTimeout = kafkaSendTimeout; }
}
