package io.cachelab.lab;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.ibatis.executor.statement.StatementHandler;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Signature;
import org.apache.ibatis.session.ResultHandler;

import java.sql.Statement;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts SQL where it really runs: {@code cachelab.db.queries{table,kind}}. It sits on the
 * StatementHandler, below the Executor, so it sees the final SQL of every execution, including the
 * COUNT query MyBatis-Plus's pagination issues on its own, and nothing a cache answers. Cache code
 * never counts database load itself, so no number in a lab can flatter a pattern.
 */
@Intercepts({
        @Signature(type = StatementHandler.class, method = "query", args = {Statement.class, ResultHandler.class}),
        @Signature(type = StatementHandler.class, method = "queryCursor", args = {Statement.class}),
        @Signature(type = StatementHandler.class, method = "update", args = {Statement.class}),
        @Signature(type = StatementHandler.class, method = "batch", args = {Statement.class})
})
public class DbQueryCounter implements Interceptor {
    public static final String METRIC = "cachelab.db.queries";
    /** Distinct SQL texts remembered; mappers produce few, and a flood of ad-hoc SQL is just reparsed. */
    private static final int MAX_CACHED_SQL = 4_096;

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> countersBySql = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SqlTarget, Counter> countersByTarget = new ConcurrentHashMap<>();

    public DbQueryCounter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Object intercept(Invocation invocation) throws Throwable {
        StatementHandler handler = (StatementHandler) invocation.getTarget();
        counterFor(handler.getBoundSql().getSql()).increment();
        return invocation.proceed();
    }

    /** Statements counted so far for a table and kind ({@code select}, {@code update}, ...). */
    public double count(String table, String kind) {
        Counter c = registry.find(METRIC).tags("table", table, "kind", kind).counter();
        return c == null ? 0 : c.count();
    }

    private Counter counterFor(String sql) {
        Counter counter = countersBySql.get(sql);
        if (counter != null) {
            return counter;
        }
        counter = countersByTarget.computeIfAbsent(SqlTarget.of(sql), target -> Counter.builder(METRIC)
                .description("SQL statements executed against the database")
                .tag("table", target.table())
                .tag("kind", target.kind())
                .register(registry));
        if (countersBySql.size() < MAX_CACHED_SQL) {
            countersBySql.put(sql, counter);
        }
        return counter;
    }
}
