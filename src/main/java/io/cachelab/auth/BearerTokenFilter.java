package io.cachelab.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code Authorization: Bearer <token>} → the session in Redis → an authenticated {@link AuthUser}
 * with ROLE_USER or ROLE_ADMIN. A request without the header goes on anonymous (reads are public); a
 * request WITH a token that is unknown or expired is refused with 401 at once, even on a public route,
 * so a client learns its session ended instead of silently reading as a stranger.
 */
public class BearerTokenFilter extends OncePerRequestFilter {
    private static final String PREFIX = "Bearer ";

    private final SessionStore sessions;
    private final AuthenticationEntryPoint entryPoint;

    public BearerTokenFilter(SessionStore sessions, AuthenticationEntryPoint entryPoint) {
        this.sessions = sessions;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        Optional<AuthUser> user = header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                ? sessions.touch(token(header)) : Optional.empty();
        if (user.isEmpty()) {
            SecurityContextHolder.clearContext();
            entryPoint.commence(request, response, new BadCredentialsException("invalid or expired bearer token"));
            return;
        }
        var auth = new UsernamePasswordAuthenticationToken(user.get(), null,
                List.of(new SimpleGrantedAuthority("ROLE_" + user.get().role().name())));
        SecurityContextHolder.getContext().setAuthentication(auth);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    static String token(String header) {
        return header.length() <= PREFIX.length() ? "" : header.substring(PREFIX.length()).trim();
    }
}
