package io.cachelab.config;

import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring MVC's parts that the service replaces: the request mapping ({@link PathPrefixHandlerMapping}). */
@Configuration(proxyBeanMethods = false)
class WebMvcConfiguration {

    @Bean
    WebMvcRegistrations pathPrefixHandlerMapping() {
        return PathPrefixHandlerMapping.registrations();
    }
}
