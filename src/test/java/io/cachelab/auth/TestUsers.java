package io.cachelab.auth;

import org.springframework.context.ApplicationContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Creates many users with live sessions without the two login requests each: rows through the real
 * mapper, sessions through the real {@link SessionStore} (the same Redis hashes a login writes). For
 * tests where a thousand logins are not the point; the claims themselves still go over HTTP.
 */
public final class TestUsers {
    private TestUsers() {
    }

    public record User(AuthUser principal, String token) {
    }

    public static List<User> create(ApplicationContext ctx, long firstPhone, int n) {
        AppUserMapper mapper = ctx.getBean(AppUserMapper.class);
        SessionStore sessions = ctx.getBean(SessionStore.class);
        List<User> users = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String phone = Long.toString(firstPhone + i);
            AppUser row = new AppUser(phone, "user" + phone.substring(phone.length() - 4), "USER");
            mapper.insert(row);
            AuthUser principal = new AuthUser(row.getId(), phone, AuthUser.Role.USER);
            users.add(new User(principal, sessions.create(principal)));
        }
        return users;
    }
}
