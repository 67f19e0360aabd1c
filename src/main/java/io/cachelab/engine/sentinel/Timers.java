package io.cachelab.engine.sentinel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sentinel's periods and timeouts (sentinel.c's SENTINEL_* constants), which SENTINEL DEBUG changes
 * at run time so tests can speed a failover up. Not persisted, as in Redis.
 */
final class Timers {
    long infoPeriod = 10_000;
    long pingPeriod = 1_000;
    long askPeriod = 1_000;
    long publishPeriod = 2_000;
    long defaultDownAfter = 30_000;
    long defaultFailoverTimeout = 180_000;
    long tiltTrigger = 2_000;
    long tiltPeriod = 30_000;
    long slaveReconfTimeout = 10_000;
    long minLinkReconnectPeriod = 15_000;
    long electionTimeout = 10_000;
    long scriptMaxRuntime = 60_000;
    long scriptRetryDelay = 30_000;

    /** SENTINEL DEBUG's names, in its reply's order. */
    Map<String, Long> all() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("INFO-PERIOD", infoPeriod);
        m.put("PING-PERIOD", pingPeriod);
        m.put("ASK-PERIOD", askPeriod);
        m.put("PUBLISH-PERIOD", publishPeriod);
        m.put("DEFAULT-DOWN-AFTER", defaultDownAfter);
        m.put("DEFAULT-FAILOVER-TIMEOUT", defaultFailoverTimeout);
        m.put("TILT-TRIGGER", tiltTrigger);
        m.put("TILT-PERIOD", tiltPeriod);
        m.put("SLAVE-RECONF-TIMEOUT", slaveReconfTimeout);
        m.put("MIN-LINK-RECONNECT-PERIOD", minLinkReconnectPeriod);
        m.put("ELECTION-TIMEOUT", electionTimeout);
        m.put("SCRIPT-MAX-RUNTIME", scriptMaxRuntime);
        m.put("SCRIPT-RETRY-DELAY", scriptRetryDelay);
        return m;
    }

    /** Sets one by its lower-case SENTINEL DEBUG name; false if there is no such name. */
    boolean set(String name, long v) {
        switch (name) {
            case "info-period" -> infoPeriod = v;
            case "ping-period" -> pingPeriod = v;
            case "ask-period" -> askPeriod = v;
            case "publish-period" -> publishPeriod = v;
            case "default-down-after" -> defaultDownAfter = v;
            case "default-failover-timeout" -> defaultFailoverTimeout = v;
            case "tilt-trigger" -> tiltTrigger = v;
            case "tilt-period" -> tiltPeriod = v;
            case "slave-reconf-timeout" -> slaveReconfTimeout = v;
            case "min-link-reconnect-period" -> minLinkReconnectPeriod = v;
            case "election-timeout" -> electionTimeout = v;
            case "script-max-runtime" -> scriptMaxRuntime = v;
            case "script-retry-delay" -> scriptRetryDelay = v;
            default -> {
                return false;
            }
        }
        return true;
    }
}
