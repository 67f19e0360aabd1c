package io.cachelab.config;

import io.cachelab.support.ApiClient;
import io.cachelab.support.AppTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prefix test in front of Spring MVC's mapping scan: the prefixes it keeps, and over real HTTP
 * that every answer is the one Spring gives without it (a match, 404, 405, 406, an escaped path).
 */
class PathPrefixHandlerMappingTest extends AppTestBase {
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    @Test
    void aPatternKeepsTheTextBeforeTheSlashThatPrecedesItsFirstVariableOrWildcard() {
        assertThat(PathPrefixHandlerMapping.literalPrefix("/api/articles/{id}")).isEqualTo("/api/articles");
        assertThat(PathPrefixHandlerMapping.literalPrefix("/api/coupons/{id}/claims")).isEqualTo("/api/coupons");
        assertThat(PathPrefixHandlerMapping.literalPrefix("/actuator/**")).isEqualTo("/actuator");
        assertThat(PathPrefixHandlerMapping.literalPrefix("/files/{*rest}")).isEqualTo("/files");
        assertThat(PathPrefixHandlerMapping.literalPrefix("/a/b?c")).isEqualTo("/a");
        assertThat(PathPrefixHandlerMapping.literalPrefix("/api/ping")).isEqualTo("/api");
        // nothing literal before the first slash: no prefix, the mapping is always tested
        assertThat(PathPrefixHandlerMapping.literalPrefix("/{id}")).isEmpty();
        assertThat(PathPrefixHandlerMapping.literalPrefix("/**")).isEmpty();
        assertThat(PathPrefixHandlerMapping.literalPrefix("")).isEmpty();
    }

    @Test
    void theServiceMapsRequestsWithIt() {
        assertThat(mapping).isInstanceOf(PathPrefixHandlerMapping.class);
    }

    @Test
    void answersAreSpringsOwn() {
        ApiClient.Response hit = api.get("/api/articles/3?strategy=none");
        assertThat(hit.status()).isEqualTo(200);
        assertThat(hit.json().get("id").asLong()).isEqualTo(3);
        // an escaped path is matched on its decoded text, as Spring does: %61 is 'a'
        ApiClient.Response escaped = api.get("/api/%61rticles/3?strategy=none");
        assertThat(escaped.status()).isEqualTo(200);
        assertThat(escaped.body()).isEqualTo(hit.body());
        // no mapping: 404; a mapped path with a method it lacks: 405 with Allow
        assertThat(api.get("/api/articlesX/3").status()).isEqualTo(404);
        ApiClient.Response wrongMethod = api.send("PATCH", "/api/articles/3", null, api.loginAdmin());
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).contains("GET").contains("PUT").contains("DELETE");
    }
}
