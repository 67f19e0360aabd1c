package io.cachelab.sync;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator health "canal": UP while the client holds a session with the Canal server, DOWN while it
 * connects or backs off (the cache then lags the database, which is what an operator must see).
 * Details say where it connects, the loop state, the last acked batch, the lag of the last event
 * handled, and how many events were handled and dead-lettered.
 */
class CanalHealthIndicator implements HealthIndicator {
    private final CanalChangeFeed feed;
    private final CanalProperties props;

    CanalHealthIndicator(CanalChangeFeed feed, CanalProperties props) {
        this.feed = feed;
        this.props = props;
    }

    @Override
    public Health health() {
        CanalChangeFeed.State state = feed.state();
        Health.Builder b = state == CanalChangeFeed.State.CONNECTED ? Health.up() : Health.down();
        b.withDetail("server", props.host() + ":" + props.port())
                .withDetail("destination", props.destination())
                .withDetail("state", state.name().toLowerCase())
                .withDetail("lastBatchAt", feed.lastBatchAt() == null ? "never" : feed.lastBatchAt().toString())
                .withDetail("lagMs", feed.lagMillis())
                .withDetail("eventsHandled", (long) feed.eventsHandled())
                .withDetail("deadLetters", feed.deadLettered());
        if (feed.lastError() != null) b.withDetail("lastError", feed.lastError());
        return b.build();
    }
}
