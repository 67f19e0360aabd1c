package io.cachelab.config;

import com.baomidou.mybatisplus.extension.plugins.MybatisPlusInterceptor;
import com.baomidou.mybatisplus.extension.plugins.inner.PaginationInnerInterceptor;
import io.cachelab.lab.DbQueryCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
        PaginationInnerInterceptor pagination = new PaginationInnerInterceptor();
        pagination.setMaxLimit(1_000L);
        interceptor.addInnerInterceptor(pagination);
        return interceptor;
    }

    @Bean
    DbQueryCounter dbQueryCounter(MeterRegistry registry) {
        return new DbQueryCounter(registry);
    }
}
