package io.cachelab.engine.net;

import io.cachelab.engine.util.Bytes;

import java.util.ArrayList;
import java.util.List;

/**
 * One client's CLIENT TRACKING state, as tracking.c's CLIENT_TRACKING_* flags: on or off, BCAST
 * with its prefixes, OPTIN/OPTOUT with the CACHING answer for the next command, NOLOOP, and where
 * invalidations go (REDIRECT, and whether that client is gone). The server-wide tables are Tracking's.
 */
public final class ClientTracking {
    private boolean on;
    private boolean bcast;
    private boolean optin;
    private boolean optout;
    private boolean caching;
    private boolean noloop;
    private boolean brokenRedirect;
    private long redirect;
    private final List<Bytes> prefixes = new ArrayList<>(0);

    /** enableTracking: the options of CLIENT TRACKING ON (prefixes are added separately). */
    public void enable(long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop) {
        this.on = true;
        this.brokenRedirect = false;
        this.redirect = redirect;
        this.bcast = bcast;
        this.optin = optin;
        this.optout = optout;
        this.noloop = noloop;
        this.caching = false;
    }

    /** disableTracking: every flag and prefix dropped. */
    public void disable() {
        prefixes.clear();
        on = bcast = optin = optout = noloop = caching = brokenRedirect = false;
        redirect = 0;
    }

    public boolean on() {
        return on;
    }

    public boolean bcast() {
        return bcast;
    }

    public boolean optin() {
        return optin;
    }

    public boolean optout() {
        return optout;
    }

    /** CLIENT CACHING yes/no, for the next command only. */
    public boolean caching() {
        return caching;
    }

    public void caching(boolean yes) {
        caching = yes;
    }

    public boolean noloop() {
        return noloop;
    }

    /** The REDIRECT client id (0: none). */
    public long redirect() {
        return redirect;
    }

    public boolean brokenRedirect() {
        return brokenRedirect;
    }

    /** The redirect client is gone: invalidations now tell this client so (tracking-redir-broken). */
    public void redirectBroken() {
        brokenRedirect = true;
    }

    /** BCAST prefixes, in the order they were given. */
    public List<Bytes> prefixes() {
        return prefixes;
    }
}
