package io.cachelab.engine.sentinel;

import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.Glob;
import io.cachelab.engine.util.RedisError;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static io.cachelab.engine.sentinel.SentinelCommands.str;

/**
 * SENTINEL's commands that change state (sentinel.c: the MONITOR/REMOVE/FAILOVER/CKQUORUM branches
 * of sentinelCommand, sentinelSetCommand, sentinelConfigGet/SetCommand, the DEBUG and
 * SIMULATE-FAILURE branches), with Redis's error texts; every change is saved to the config file.
 */
final class SentinelAdmin {
    private SentinelAdmin() {
    }

    static long integer(byte[] b) {
        try {
            return Long.parseLong(str(b));
        } catch (NumberFormatException e) {
            throw new RedisError("ERR value is not an integer or out of range");
        }
    }

    private static long integerOr(byte[] b, String err) {
        try {
            return Long.parseLong(str(b));
        } catch (NumberFormatException e) {
            throw new RedisError("ERR " + err);
        }
    }

    static void monitor(Client c, Sentinel s, byte[][] a) {
        long quorum = integerOr(a[5], "Invalid quorum");
        long port = integerOr(a[4], "Invalid port");
        if (quorum <= 0) throw new RedisError("ERR Quorum must be 1 or greater.");
        if (Addr.resolve(str(a[3]), s.resolveHostnames) == null) throw new RedisError("ERR Invalid IP address or hostname specified");
        Instance m;
        try {
            m = s.create(str(a[2]), Instance.MASTER, str(a[3]), (int) port, (int) quorum, null);
        } catch (SentinelError e) {
            throw new RedisError("ERR " + e.getMessage());
        }
        SentinelCommands.flushAndReply(s, c);
        s.event(Sentinel.WARNING, "+monitor", m, "%@ quorum " + m.quorum);
    }

    static void remove(Client c, SentinelCommands cmds, byte[][] a) {
        Sentinel s = cmds.sentinel();
        Instance m = cmds.master(str(a[2]));
        s.event(Sentinel.WARNING, "-monitor", m, "%@");
        s.masters.remove(m.name);
        s.release(m);
        SentinelCommands.flushAndReply(s, c);
    }

    static void failover(Client c, SentinelCommands cmds, byte[][] a) {
        Sentinel s = cmds.sentinel();
        Instance m = cmds.master(str(a[2]));
        if (m.is(Instance.FAILOVER_IN_PROGRESS)) throw new RedisError("INPROG Failover already in progress");
        if (s.failover.best(m) == null) throw new RedisError("NOGOODSLAVE No suitable replica to promote");
        Sentinel.log().warning("Executing user requested FAILOVER of '" + m.name + "'");
        s.failover.start(m);
        m.flags |= Instance.FORCE_FAILOVER;
        c.addOk();
    }

    /** sentinelIsQuorumReachable. */
    static void ckquorum(Client c, Instance m) {
        int usable = 1;
        for (Instance s : m.sentinels.values()) {
            if (!s.is(Instance.S_DOWN | Instance.O_DOWN)) usable++;
        }
        int voters = m.sentinels.size() + 1;
        boolean noQuorum = usable < m.quorum, noAuthority = usable < voters / 2 + 1;
        if (!noQuorum && !noAuthority) {
            c.addSimple("OK " + usable + " usable Sentinels. Quorum and failover authorization can be reached");
            return;
        }
        StringBuilder e = new StringBuilder("NOQUORUM " + usable + " usable Sentinels. ");
        if (noQuorum) e.append("Not enough available Sentinels to reach the specified quorum for this master");
        if (noQuorum && noAuthority) e.append(". ");
        if (noAuthority) e.append("Not enough available Sentinels to reach the majority and authorize a failover");
        c.addError(e.toString());
    }

    /** sentinelSetCommand: options in order, each an event; on an error the earlier changes are still saved. */
    static void set(Client c, SentinelCommands cmds, byte[][] a) {
        Sentinel s = cmds.sentinel();
        Instance m = cmds.master(str(a[2]));
        int changes = 0;
        try {
            for (int j = 3; j < a.length; j++) {
                int more = a.length - 1 - j;
                String option = str(a[j]);
                int consumed = setOne(s, m, option.toLowerCase(Locale.ROOT), a, j, more);
                if (consumed < 0) throw new RedisError("ERR Unknown option or number of arguments for SENTINEL SET '" + option + "'");
                StringBuilder ev = new StringBuilder("%@ ").append(option);
                boolean redacted = option.equalsIgnoreCase("auth-pass");
                for (int k = 1; k <= consumed; k++) ev.append(' ').append(redacted ? "******" : str(a[j + k]));
                j += consumed;
                changes++;
                s.event(Sentinel.WARNING, "+set", m, ev.toString());
            }
        } catch (RedisError e) {
            if (changes > 0) s.flushConfig();
            throw e;
        }
        SentinelCommands.flushAndReply(s, c);
    }

    /** One SET option; returns how many values it took, or -1 for an unknown option. */
    private static int setOne(Sentinel s, Instance m, String option, byte[][] a, int j, int more) {
        if (option.equals("rename-command") && more > 1) {
            String from = str(a[j + 1]), to = str(a[j + 2]);
            if (from.isEmpty() || to.isEmpty()) throw badArg(to.isEmpty() ? to : from, str(a[j]));
            m.renamedCommands.keySet().removeIf(k -> k.equalsIgnoreCase(from));
            if (!from.equalsIgnoreCase(to)) m.renamedCommands.put(from, to);
            return 2;
        }
        if (more < 1) return -1;
        String v = str(a[j + 1]);
        switch (option) {
            case "down-after-milliseconds" -> SentinelCommands.setDownAfter(m, positive(v, a[j]));
            case "failover-timeout" -> m.failoverTimeout = positive(v, a[j]);
            case "parallel-syncs" -> m.parallelSyncs = (int) positive(v, a[j]);
            case "quorum" -> m.quorum = (int) positive(v, a[j]);
            case "master-reboot-down-after-period" -> {
                long ms = number(v, a[j]);
                if (ms < 0) throw badArg(v, str(a[j]));
                m.masterRebootDownAfterPeriod = ms;
            }
            case "notification-script" -> m.notificationScript = script(s, v, "Notification script seems non existing or non executable");
            case "client-reconfig-script" -> m.clientReconfigScript = script(s, v,
                    "Client reconfiguration script seems non existing or non executable");
            case "auth-pass" -> {
                m.authPass = v.isEmpty() ? null : v;
                dropConnections(m);
            }
            case "auth-user" -> {
                m.authUser = v.isEmpty() ? null : v;
                dropConnections(m);
            }
            default -> {
                return -1;
            }
        }
        return 1;
    }

    private static String script(Sentinel s, String path, String missing) {
        if (s.denyScriptsReconfig) {
            throw new RedisError("ERR Reconfiguration of scripts path is denied for security reasons. Check the "
                    + "deny-scripts-reconfig configuration directive in your Sentinel configuration");
        }
        if (!path.isEmpty() && !s.scripts.executable(path)) throw new RedisError("ERR " + missing);
        return path.isEmpty() ? null : path;
    }

    private static long number(String v, byte[] option) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw badArg(v, str(option));
        }
    }

    private static long positive(String v, byte[] option) {
        long n = number(v, option);
        if (n <= 0) throw badArg(v, str(option));
        return n;
    }

    private static RedisError badArg(String v, String option) {
        return new RedisError("ERR Invalid argument '" + v + "' for SENTINEL SET '" + option + "'");
    }

    /** dropInstanceConnections: the master's and its replicas' links reconnect with the new credentials. */
    private static void dropConnections(Instance m) {
        m.link.closeAll();
        for (Instance r : m.slaves.values()) r.link.closeAll();
    }

    static void config(Client c, Sentinel s, byte[][] a) {
        String sub = str(a[2]).toLowerCase(Locale.ROOT);
        if (sub.equals("get") && a.length == 4) configGet(c, s, str(a[3]));
        else if (sub.equals("set") && a.length == 5) configSet(c, s, str(a[3]), str(a[4]));
        else throw new RedisError("ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.");
    }

    private static void configGet(Client c, Sentinel s, String pattern) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("resolve-hostnames", s.resolveHostnames ? "yes" : "no");
        all.put("announce-hostnames", s.announceHostnames ? "yes" : "no");
        all.put("announce-ip", s.announceIp == null ? "" : s.announceIp);
        all.put("announce-port", (long) s.announcePort);
        all.put("sentinel-user", s.sentinelAuthUser == null ? "" : s.sentinelAuthUser);
        all.put("sentinel-pass", s.sentinelAuthPass == null ? "" : s.sentinelAuthPass);
        all.keySet().removeIf(k -> !Glob.matches(pattern, k, true));
        c.addMapLen(all.size());
        all.forEach((k, v) -> {
            c.addBulk(k);
            if (v instanceof Long n) c.addBulk(Long.toString(n));
            else c.addBulk((String) v);
        });
    }

    private static void configSet(Client c, Sentinel s, String param, String v) {
        boolean drop = false;
        switch (param.toLowerCase(Locale.ROOT)) {
            case "resolve-hostnames" -> s.resolveHostnames = yesNo(v, param);
            case "announce-hostnames" -> s.announceHostnames = yesNo(v, param);
            case "announce-ip" -> s.announceIp = v;
            case "announce-port" -> {
                long p;
                try {
                    p = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    p = -1;
                }
                if (p < 0 || p > 65535) throw badValue(v, param);
                s.announcePort = (int) p;
            }
            case "sentinel-user" -> {
                s.sentinelAuthUser = v.isEmpty() ? null : v;
                drop = true;
            }
            case "sentinel-pass" -> {
                s.sentinelAuthPass = v.isEmpty() ? null : v;
                drop = true;
            }
            default -> throw new RedisError("ERR Invalid argument '" + param + "' to SENTINEL CONFIG SET");
        }
        SentinelCommands.flushAndReply(s, c);
        if (drop) {
            for (Instance m : s.masters.values()) for (Instance o : m.sentinels.values()) o.link.closeAll();
        }
    }

    private static boolean yesNo(String v, String param) {
        if (v.equalsIgnoreCase("yes")) return true;
        if (v.equalsIgnoreCase("no")) return false;
        throw badValue(v, param);
    }

    private static RedisError badValue(String v, String param) {
        return new RedisError("ERR Invalid value '" + v + "' to SENTINEL CONFIG SET '" + param + "'");
    }

    static void debug(Client c, Sentinel s, byte[][] a) {
        if (a.length == 2) {
            Map<String, Long> all = s.timers.all();
            c.addMapLen(all.size());
            all.forEach((k, v) -> {
                c.addBulk(k);
                c.addInteger(v);
            });
            return;
        }
        for (int j = 2; j < a.length; j += 2) {
            String name = str(a[j]);
            if (j + 1 >= a.length) {
                throw new RedisError("ERR Unknown option or number of arguments for SENTINEL DEBUG '" + name + "'");
            }
            long v;
            try {
                v = Long.parseLong(str(a[j + 1]));
            } catch (NumberFormatException e) {
                v = 0;
            }
            if (!knownTimer(name)) {
                throw new RedisError("ERR Unknown option or number of arguments for SENTINEL DEBUG '" + name + "'");
            }
            if (v <= 0) throw new RedisError("ERR Invalid argument '" + str(a[j + 1]) + "' for SENTINEL DEBUG '" + name + "'");
            s.timers.set(name.toLowerCase(Locale.ROOT), v);
        }
        c.addOk();
    }

    private static boolean knownTimer(String name) {
        return new Timers().set(name.toLowerCase(Locale.ROOT), 1);
    }

    static void simulateFailure(Client c, Sentinel s, byte[][] a) {
        s.simFailureFlags = 0;
        for (int j = 2; j < a.length; j++) {
            String f = str(a[j]).toLowerCase(Locale.ROOT);
            switch (f) {
                case "crash-after-election" -> {
                    s.simFailureFlags |= Sentinel.SIMFAILURE_CRASH_AFTER_ELECTION;
                    Sentinel.log().warning("Failure simulation: this Sentinel will crash after being successfully elected as failover leader");
                }
                case "crash-after-promotion" -> {
                    s.simFailureFlags |= Sentinel.SIMFAILURE_CRASH_AFTER_PROMOTION;
                    Sentinel.log().warning("Failure simulation: this Sentinel will crash after promoting the selected replica to master");
                }
                case "help" -> {
                    c.addArrayLen(2);
                    c.addBulk("crash-after-election");
                    c.addBulk("crash-after-promotion");
                    return;
                }
                default -> throw new RedisError("ERR Unknown failure simulation specified");
            }
        }
        c.addOk();
    }
}
