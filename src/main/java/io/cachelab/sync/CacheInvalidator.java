package io.cachelab.sync;

import io.cachelab.cache.CacheClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The one invalidation handler, shared by every consistency mode and feed: for a change on a table
 * some feature declared with a {@link TableCache}, evict the row's entry (CacheClient.evict drops
 * Redis, this instance's Caffeine tier and announces the key to the other instances) and, on INSERT
 * under a policy with a Bloom filter, add the id so the new row is not rejected as "never existed".
 * Both steps are idempotent, which is what lets feeds redeliver freely.
 *
 * <p>The CacheClient is looked up lazily: sync must not force a cache onto a context that declares
 * no cached table, and a table without a TableCache is simply not ours.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CacheInvalidator implements ChangeListener {
    private static final Logger log = LoggerFactory.getLogger(CacheInvalidator.class);

    private final Supplier<CacheClient> cacheClient;
    private final Map<String, List<TableCache>> tables;
    private final MeterRegistry meters;

    @Autowired
    CacheInvalidator(ObjectProvider<CacheClient> cacheClient, ObjectProvider<TableCache> tables, MeterRegistry meters) {
        this(() -> cacheClient.getIfAvailable(), tables.orderedStream().toList(), meters);
    }

    public CacheInvalidator(CacheClient cacheClient, List<TableCache> tables, MeterRegistry meters) {
        this(() -> cacheClient, tables, meters);
    }

    private CacheInvalidator(Supplier<CacheClient> cacheClient, List<TableCache> tables, MeterRegistry meters) {
        this.cacheClient = cacheClient;
        this.tables = tables.stream().collect(Collectors.groupingBy(t -> t.table().toLowerCase(Locale.ROOT),
                Collectors.collectingAndThen(Collectors.toList(), ArrayList::new)));
        this.meters = meters;
    }

    @Override
    public void on(ChangeEvent event) {
        List<TableCache> caches = tables.get(event.table().toLowerCase(Locale.ROOT));
        if (caches == null) return;
        CacheClient client = cacheClient.get();
        if (client == null)
            throw new IllegalStateException("table " + event.table() + " has a TableCache but there is no CacheClient bean");
        String id = String.valueOf(event.id());
        for (TableCache t : caches) {
            client.evict(id, t.policy());
            if (event.kind() == ChangeEvent.Kind.INSERT && t.policy().bloom() != null) client.bloomAdd(t.policy(), id);
        }
        meters.counter("cachelab.sync.invalidations", "table", event.table(), "kind", event.kind().name().toLowerCase(Locale.ROOT))
                .increment();
        log.debug("invalidated {} {} id={}", event.table(), event.kind(), event.id());
    }

    /** True when some feature caches rows of this table. */
    public boolean caches(String table) {
        return tables.containsKey(table.toLowerCase(Locale.ROOT));
    }
}
