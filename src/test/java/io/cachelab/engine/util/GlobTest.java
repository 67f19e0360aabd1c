package io.cachelab.engine.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis's glob rules, and the guard against exponential backtracking (keyspace.tcl's regression). */
class GlobTest {

    @Test
    void redisGlobRules() {
        assertThat(Glob.matches("h?llo", "hello", false)).isTrue();
        assertThat(Glob.matches("h*llo", "heeeello", false)).isTrue();
        assertThat(Glob.matches("h[ae]llo", "hallo", false)).isTrue();
        assertThat(Glob.matches("h[^e]llo", "hello", false)).isFalse();
        assertThat(Glob.matches("h[a-b]llo", "hbllo", false)).isTrue();
        assertThat(Glob.matches("h\\*llo", "h*llo", false)).isTrue();
        assertThat(Glob.matches("h\\*llo", "hello", false)).isFalse();
        assertThat(Glob.matches("*", "", false)).isTrue();
        assertThat(Glob.matches("a*", "a", false)).isTrue();
        assertThat(Glob.matches("*b", "", false)).isFalse();
        assertThat(Glob.matches("MAXMEMORY*", "maxmemory-policy", true)).isTrue();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.SECONDS)
    void nestedStarsOnALongKeyFailFast() {
        String key = "a".repeat(50);
        String pattern = "a*".repeat(30) + "b";
        assertThat(Glob.matches(pattern, key, false)).isFalse();
        assertThat(Glob.matches("a*".repeat(30) + "a", key, false)).isTrue();
    }
}
