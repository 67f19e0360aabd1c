package io.cachelab.config;

import io.cachelab.auth.BearerTokenFilter;
import io.cachelab.auth.SessionStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole access policy, read top to bottom: the actuator, the API docs, then the {@code /api/**}
 * rules of {@link ApiAccessRules} (reads are public, writes and the lab need ADMIN, likes and claims
 * need a user), which the OpenAPI document is written from too. Stateless (the session is the bearer
 * token's Redis hash, not an HTTP session), so CSRF protection, form login and HTTP Basic are off.
 * Refusals are RFC 9457 problem details like every other error of the API.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfiguration {
    private static final String ADMIN = "ADMIN";

    @Bean
    SecurityFilterChain api(HttpSecurity http, SessionStore sessions, JsonMapper json) throws Exception {
        AuthenticationEntryPoint unauthorized = (req, res, e) ->
                problem(json, req, res, HttpStatus.UNAUTHORIZED, e.getMessage() == null || e.getMessage().startsWith("Full authentication")
                        ? "a bearer token is required (POST /api/auth/code, then /api/auth/login)" : e.getMessage());
        AccessDeniedHandler forbidden = (req, res, e) ->
                problem(json, req, res, HttpStatus.FORBIDDEN, "this operation needs a role your session does not have");
        http.csrf(c -> c.disable())
                .formLogin(f -> f.disable())
                .httpBasic(b -> b.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
                .addFilterBefore(new BearerTokenFilter(sessions, unauthorized), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> {
                    auth.requestMatchers("/actuator/health/**", "/actuator/prometheus", "/actuator/info").permitAll()
                            .requestMatchers("/actuator/**").hasRole(ADMIN)
                            .requestMatchers("/swagger-ui.html", "/swagger-ui/**", "/v3/api-docs/**").permitAll()
                            .requestMatchers("/error").permitAll();
                    // the /api/** rules, from the table the OpenAPI document is written from as well
                    for (ApiAccessRules.Rule rule : ApiAccessRules.RULES) {
                        var matched = rule.method() == null ? auth.requestMatchers(rule.patternArray())
                                : auth.requestMatchers(rule.method(), rule.patternArray());
                        switch (rule.access()) {
                            case PUBLIC -> matched.permitAll();
                            case USER -> matched.authenticated();
                            case ADMIN -> matched.hasRole(ADMIN);
                        }
                    }
                    auth.anyRequest().permitAll();
                });
        return http.build();
    }

    static void problem(JsonMapper json, HttpServletRequest req, HttpServletResponse res, HttpStatus status,
                        String detail) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("instance", req.getRequestURI());
        res.setStatus(status.value());
        res.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(res.getOutputStream(), body);
    }
}
