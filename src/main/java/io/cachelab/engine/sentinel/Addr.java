package io.cachelab.engine.sentinel;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * sentinelAddr (sentinel.c): the host as configured, the IP it resolved to, and the port. Without
 * resolve-hostnames only literal IPs are accepted, as anetResolve(..., ANET_IP_ONLY) does.
 */
record Addr(String hostname, String ip, int port) {

    static Addr create(String host, int port, boolean resolveHostnames, boolean acceptUnresolved) throws SentinelError {
        if (port < 0 || port > 65535) throw new SentinelError("Invalid port number.");
        String ip = resolve(host, resolveHostnames);
        if (ip == null) {
            if (resolveHostnames && acceptUnresolved) return new Addr(host, "", port);
            Sentinel.log().warning("Failed to resolve hostname '" + host + "'");
            throw new SentinelError("Can't resolve instance hostname.");
        }
        return new Addr(host, ip, port);
    }

    /** The IP of {@code host} in inet_ntop's form, or null. */
    static String resolve(String host, boolean resolveHostnames) {
        if (!resolveHostnames && !isLiteralIp(host)) return null;
        try {
            return format(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static boolean isLiteralIp(String host) {
        if (host.isEmpty()) return false;
        if (host.indexOf(':') >= 0) return host.matches("[0-9a-fA-F:.]+");
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** inet_ntop's text: "::1", not Java's "0:0:0:0:0:0:0:1". */
    static String format(InetAddress a) {
        if (a instanceof java.net.Inet4Address) return a.getHostAddress();
        byte[] b = a.getAddress();
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) w[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) j++;
            if (j - i > bestLen && j - i > 1) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(w[i]));
        }
        return sb.toString();
    }

    /** sentinelAddrOrHostnameEqual. */
    boolean sameAs(Addr o) {
        return port == o.port && (ip.equals(o.ip) || hostname.equalsIgnoreCase(o.hostname));
    }

    /** sentinelAddrEqualsHostname: {@code host} (as a replica's INFO reports it) names this address. */
    boolean equalsHostname(String host, boolean resolveHostnames) {
        String other = resolve(host, resolveHostnames);
        return other != null ? other.equals(ip) : hostname.equalsIgnoreCase(host);
    }

    /** announceSentinelAddr: the hostname with announce-hostnames, else the IP. */
    String announced(boolean announceHostnames) {
        return announceHostnames ? hostname : ip;
    }

    /** announceSentinelAddrAndPort: "ip:port", "[v6]:port". */
    String key(boolean announceHostnames) {
        String a = announced(announceHostnames);
        return (a.indexOf(':') >= 0 ? "[" + a + "]" : a) + ":" + port;
    }

    @Override
    public String toString() {
        return hostname + ":" + port;
    }
}
