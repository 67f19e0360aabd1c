package io.cachelab.config;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Spring MVC's request mapping, with a literal-prefix test in front of its linear scan.
 *
 * <p>A request whose path is not a mapping's literal path ({@code /api/articles/7}, not
 * {@code /api/ping}) is tested against every mapping: HTTP method, params, headers, consumes,
 * produces, then the path pattern. The profile of an article read (docs/benchmarks.md) put that scan
 * at 4.7 µs of the request's 61: about 20 pattern mappings, each reading the method and CORS headers
 * through five request wrappers before its pattern says no. Here a mapping whose patterns all start
 * with a literal prefix the path does not start with is skipped before any condition runs. The
 * prefix is the pattern's text up to the last {@code /} before its first variable or wildcard, so a
 * path it rejects is one the pattern cannot match ({@code /api/articles/{id}} keeps
 * {@code /api/articles}; {@code /actuator/**} keeps {@code /actuator}, which {@code /actuator}
 * itself starts with). Paths with percent-escapes are tested the usual way (the pattern matches the
 * decoded text), and so is everything when patterns are case-insensitive. Which mapping wins, and
 * the 404/405/406 answers for no match, are Spring's, unchanged.
 */
final class PathPrefixHandlerMapping extends RequestMappingHandlerMapping {
    /** No prefix: the mapping is tested as Spring tests it. */
    private static final String[] ANY = {""};

    /** The lookup path of the request this thread is mapping, while {@link #lookupHandlerMethod} runs. */
    private static final ThreadLocal<String> LOOKUP_PATH = new ThreadLocal<>();

    private final Map<RequestMappingInfo, String[]> prefixes = new ConcurrentHashMap<>();

    /** Registers this mapping in place of Spring Boot's default one. */
    static WebMvcRegistrations registrations() {
        return new WebMvcRegistrations() {
            @Override
            public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
                return new PathPrefixHandlerMapping();
            }
        };
    }

    @Override
    protected @Nullable HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request)
            throws Exception {
        boolean literal = lookupPath.indexOf('%') < 0 && getPatternParser() != null
                && getPatternParser().isCaseSensitive();
        LOOKUP_PATH.set(literal ? lookupPath : null);
        try {
            return super.lookupHandlerMethod(lookupPath, request);
        } finally {
            LOOKUP_PATH.remove();
        }
    }

    @Override
    protected @Nullable RequestMappingInfo getMatchingMapping(RequestMappingInfo info, HttpServletRequest request) {
        String path = LOOKUP_PATH.get();
        if (path != null && !mayMatch(prefixes(info), path)) return null;
        return super.getMatchingMapping(info, request);
    }

    /** A plain read once known: computeIfAbsent took a bin lock on every call (1.1 µs a request in a profile). */
    private String[] prefixes(RequestMappingInfo info) {
        String[] p = prefixes.get(info);
        if (p == null) {
            p = prefixesOf(info);
            prefixes.put(info, p);
        }
        return p;
    }

    private static boolean mayMatch(String[] prefixes, String path) {
        for (String prefix : prefixes) {
            if (path.startsWith(prefix)) return true;
        }
        return false;
    }

    /** The literal prefix of each of the mapping's patterns; {@link #ANY} when it has no path patterns. */
    static String[] prefixesOf(RequestMappingInfo info) {
        PathPatternsRequestCondition condition = info.getPathPatternsCondition();
        if (condition == null || condition.getPatterns().isEmpty()) return ANY;
        return condition.getPatterns().stream().map(PathPattern::getPatternString)
                .map(PathPrefixHandlerMapping::literalPrefix).toArray(String[]::new);
    }

    /** The text before the last '/' that precedes the pattern's first variable or wildcard. */
    static String literalPrefix(String pattern) {
        int wild = pattern.length();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '{' || c == '*' || c == '?') {
                wild = i;
                break;
            }
        }
        int slash = pattern.lastIndexOf('/', wild - 1);
        return slash <= 0 ? "" : pattern.substring(0, slash);
    }
}
