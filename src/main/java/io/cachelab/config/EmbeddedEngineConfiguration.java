package io.cachelab.config;

import io.cachelab.engine.Engine;
import io.cachelab.engine.config.EngineConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Starts the embedded engine (on by default) before any Redis client bean exists: Redisson connects
 * while its bean is created, so every RedisConnectionFactory and RedissonClient bean is made to
 * depend on the engine bean. With `cachelab.engine.enabled=false` nothing here runs and the service
 * talks to whatever spring.data.redis.* names (standalone, Sentinel or Cluster).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EngineProperties.class)
@ConditionalOnProperty(prefix = "cachelab.engine", name = "enabled", havingValue = "true", matchIfMissing = true)
public class EmbeddedEngineConfiguration {
    static final String ENGINE_BEAN = "embeddedEngine";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedEngineConfiguration.class);

    @Bean(name = ENGINE_BEAN, destroyMethod = "close")
    Engine embeddedEngine(EngineProperties props) {
        EngineConfig config = EngineConfig.defaults();
        config.set("port", Integer.toString(props.getPort()));
        config.set("bind", props.getBind());
        props.getOptions().forEach(config::set);
        try {
            Engine engine = Engine.start(config);
            LOG.info("Embedded CacheLab engine listening on {}:{}", props.getBind(), engine.port());
            return engine;
        } catch (IOException e) {
            throw new IllegalStateException("The embedded engine could not start: " + e.getMessage()
                    + ". Stop whatever uses port " + props.getPort() + ", or set cachelab.engine.port (and "
                    + "spring.data.redis.port) to a free port, or set cachelab.engine.enabled=false to use an "
                    + "external Redis.", e);
        }
    }

    @Bean
    static BeanFactoryPostProcessor redisClientsDependOnEngine() {
        return new DependsOnEngine();
    }

    static final class DependsOnEngine implements BeanFactoryPostProcessor {
        private static final String[] CLIENT_TYPES = {
            "org.springframework.data.redis.connection.RedisConnectionFactory",
            "org.springframework.data.redis.connection.ReactiveRedisConnectionFactory",
            "org.redisson.api.RedissonClient",
        };

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory factory) {
            for (String type : CLIENT_TYPES) {
                Class<?> cls;
                try {
                    cls = Class.forName(type, false, factory.getBeanClassLoader());
                } catch (ClassNotFoundException e) {
                    continue;
                }
                for (String name : factory.getBeanNamesForType(cls, true, false)) {
                    BeanDefinition def = factory.getBeanDefinition(name);
                    Set<String> deps = new LinkedHashSet<>();
                    if (def.getDependsOn() != null) deps.addAll(Arrays.asList(def.getDependsOn()));
                    deps.add(ENGINE_BEAN);
                    def.setDependsOn(deps.toArray(new String[0]));
                }
            }
        }
    }
}
