package io.cachelab.config;

import com.baomidou.mybatisplus.extension.plugins.MybatisPlusInterceptor;
import com.baomidou.mybatisplus.extension.plugins.inner.PaginationInnerInterceptor;
import io.cachelab.lab.DbQueryCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.ibatis.mapping.MappedStatement;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MyBatis wiring. Pagination leaves the dialect to detection from the JDBC URL, so the same mappers
 * page on H2 (MySQL mode) and on MySQL 8. The query counter is an ordinary MyBatis interceptor bean,
 * which the MyBatis-Plus starter installs into the SqlSessionFactory.
 */
@Configuration(proxyBeanMethods = false)
class MyBatisConfiguration {

    @Bean
    MybatisPlusInterceptor mybatisPlusInterceptor() {
        MybatisPlusInterceptor interceptor = new MybatisPlusInterceptor();
        PaginationInnerInterceptor pagination = new PerContextPagination();
        pagination.setMaxLimit(1_000L);
        interceptor.addInnerInterceptor(pagination);
        return interceptor;
    }

    /**
     * MyBatis-Plus keeps the COUNT statements of pagination in a static map keyed by statement id
     * only, so with two Spring contexts in one JVM (the tests, the two-instance labs) the second
     * context's pages ran the first context's COUNT statement, built on the first context's MyBatis
     * Configuration: through its interceptors, so the query was counted in the other context's
     * metrics. Here each context builds and keeps its own; the static map is only touched inside the
     * lock, and left as it was found.
     */
    static final class PerContextPagination extends PaginationInnerInterceptor {
        private final Map<String, MappedStatement> counts = new ConcurrentHashMap<>();

        @Override
        protected MappedStatement buildAutoCountMappedStatement(MappedStatement ms) {
            return counts.computeIfAbsent(ms.getId() + "_mpCount", id -> {
                synchronized (PaginationInnerInterceptor.class) {
                    MappedStatement previous = countMsCache.remove(id);
                    try {
                        return PerContextPagination.super.buildAutoCountMappedStatement(ms);
                    } finally {
                        if (previous != null) countMsCache.put(id, previous);
                        else countMsCache.remove(id);
                    }
                }
            });
        }
    }

    @Bean
    DbQueryCounter dbQueryCounter(MeterRegistry registry) {
        return new DbQueryCounter(registry);
    }
}
