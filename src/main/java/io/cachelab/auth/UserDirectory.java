package io.cachelab.auth;

import org.springframework.stereotype.Service;

/** What other features may ask about users without reading {@code app_user} themselves. */
@Service
public class UserDirectory {
    private final AppUserMapper users;

    UserDirectory(AppUserMapper users) {
        this.users = users;
    }

    /** Whether a user with this id exists (one primary-key lookup). */
    public boolean exists(long id) {
        return users.selectById(id) != null;
    }
}
