package io.cachelab.config;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPatternParser;

import java.util.List;

/**
 * Who may call which {@code /api/**} route, as data: {@link SecurityConfiguration} enforces these
 * rules (first match wins, as Spring Security's {@code authorizeHttpRequests} does) and
 * {@link OpenApiConfiguration} documents each operation from the same list, so the API document
 * cannot disagree with what the server enforces.
 */
final class ApiAccessRules {
    /** What a caller needs: nothing, a bearer token of any user, or a token whose user is ADMIN. */
    enum Access {
        PUBLIC, USER, ADMIN
    }

    /**
     * One rule: a method (null for any) and Spring Security path patterns ({@code *} one segment,
     * {@code **} any rest).
     */
    record Rule(HttpMethod method, List<String> patterns, Access access) {
        Rule(HttpMethod method, Access access, String... patterns) {
            this(method, List.of(patterns), access);
        }

        String[] patternArray() {
            return patterns.toArray(String[]::new);
        }

        boolean matches(HttpMethod requestMethod, String path) {
            if (method != null && !method.equals(requestMethod)) return false;
            PathContainer container = PathContainer.parsePath(path);
            return patterns.stream().map(PARSER::parse).anyMatch(p -> p.matches(container));
        }
    }

    private static final PathPatternParser PARSER = PathPatternParser.defaultInstance;

    /** Read top to bottom: the first rule that matches decides. */
    static final List<Rule> RULES = List.of(
            new Rule(HttpMethod.POST, Access.PUBLIC, "/api/auth/code", "/api/auth/login"),
            new Rule(null, Access.USER, "/api/auth/**"),
            new Rule(null, Access.ADMIN, "/api/admin/**", "/api/lab/**"),
            new Rule(null, Access.USER, "/api/users/me/**", "/api/claims/**"),
            new Rule(HttpMethod.GET, Access.USER, "/api/ping/user"),
            new Rule(HttpMethod.POST, Access.USER, "/api/articles/*/likes", "/api/coupons/*/claims"),
            // counting a view is a public action of a reader
            new Rule(HttpMethod.POST, Access.PUBLIC, "/api/articles/*/views"),
            new Rule(HttpMethod.GET, Access.PUBLIC, "/api/**"),
            new Rule(null, Access.ADMIN, "/api/**"));

    private ApiAccessRules() {
    }

    /**
     * The access an operation needs; {@code path} may be an OpenAPI template such as
     * {@code /api/articles/{id}/likes} (a {@code {id}} segment matches {@code *} like any value).
     * Routes outside {@code /api/**} are public (the last line of the security rules).
     */
    static Access accessFor(HttpMethod method, String path) {
        return RULES.stream().filter(r -> r.matches(method, path)).map(Rule::access).findFirst()
                .orElse(Access.PUBLIC);
    }
}
