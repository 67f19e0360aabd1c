package io.cachelab.engine.acl;

import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.net.EventLoop;
import io.cachelab.engine.net.Tracking;

/** What ACL (acl.c) asks of the server: its directives, its clients (to kill a deleted user's), tracking. */
public interface AclHost {
    EngineConfig config();

    EventLoop eventLoop();

    Tracking tracking();

    void logError(String what, Throwable t);
}
