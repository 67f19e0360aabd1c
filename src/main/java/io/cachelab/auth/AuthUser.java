package io.cachelab.auth;

/**
 * Who a request acts for: the principal of every authenticated request, read by controllers through
 * {@code @AuthenticationPrincipal AuthUser user}. It is what the Redis session hash holds, so building
 * it costs one HGETALL and no database query.
 */
public record AuthUser(long id, String phone, Role role) {

    public enum Role { USER, ADMIN }

    public boolean admin() {
        return role == Role.ADMIN;
    }
}
