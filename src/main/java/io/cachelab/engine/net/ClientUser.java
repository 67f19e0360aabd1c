package io.cachelab.engine.net;

/**
 * Who a client runs as, seen from the connection: the ACL user (acl/AclUser is the one
 * implementation). The connection layer keeps it without knowing ACLs, so net stays below acl.
 */
public interface ClientUser {
    /** The user's name (CLIENT LIST's user=, ACL WHOAMI). */
    String name();

    /** True for a user allowed every command, key and channel: the dispatcher then skips the ACL check. */
    boolean unrestricted();
}
