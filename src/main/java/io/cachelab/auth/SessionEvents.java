package io.cachelab.auth;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Subscribes the {@link SessionStore} to ended sessions, so a logout on any instance drops the
 * session from every instance's local copy. Spring Data Redis's listener container holds the one
 * subscribed connection and re-subscribes after a reconnect.
 */
@Configuration(proxyBeanMethods = false)
class SessionEvents {

    @Bean
    RedisMessageListenerContainer sessionEventsContainer(RedisConnectionFactory redis, SessionStore sessions) {
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(redis);
        container.addMessageListener(sessions, new ChannelTopic(SessionStore.ENDED_CHANNEL));
        return container;
    }
}
