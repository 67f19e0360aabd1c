package io.cachelab.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * `cachelab.engine.*`: whether the service starts its embedded Redis-compatible engine, where it
 * listens, and any redis.conf directive for it (`cachelab.engine.options.maxmemory=100mb`).
 */
@ConfigurationProperties("cachelab.engine")
public class EngineProperties {
    /** Start the embedded engine; when false the service uses spring.data.redis.* as it is. */
    private boolean enabled = true;
    private int port = 6379;
    private String bind = "127.0.0.1";
    /** Extra redis.conf directives, by their Redis names. */
    private Map<String, String> options = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getBind() {
        return bind;
    }

    public void setBind(String bind) {
        this.bind = bind;
    }

    public Map<String, String> getOptions() {
        return options;
    }

    public void setOptions(Map<String, String> options) {
        this.options = options;
    }
}
