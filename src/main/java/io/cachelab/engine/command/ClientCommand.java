package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.server.Server;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.Bytes;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT and its subcommands (networking.c clientCommand): naming, listing and killing connections,
 * reply modes, pausing, unblocking. CLIENT LIST's line format is what monitoring tools parse.
 */
final class ClientCommand {
    private ClientCommand() {
    }

    static void register(Commands t) {
        CommandSpec client = t.container("client");
        client.sub("id", (c, a) -> c.addInteger(c.id));
        client.sub("setname", ClientCommand::setname);
        client.sub("getname", (c, a) -> {
            if (c.name().isEmpty()) c.addNull();
            else c.addBulk(c.name());
        });
        client.sub("setinfo", ClientCommand::setinfo);
        client.sub("list", ClientCommand::list);
        client.sub("info", (c, a) -> c.addVerbatim(describe(c, c) + "\n"));
        client.sub("kill", ClientCommand::kill);
        client.sub("reply", ClientCommand::reply);
        client.sub("no-evict", (c, a) -> c.setNoEvict(onOff(c, a[2])));
        client.sub("no-touch", (c, a) -> c.setNoTouch(onOff(c, a[2])));
        client.sub("pause", ClientCommand::pause);
        client.sub("unpause", (c, a) -> {
            server(c).dispatcher().pause().unpause();
            c.addOk();
        });
        client.sub("unblock", ClientCommand::unblock);
        client.sub("getredir", (c, a) -> c.addInteger(c.tracking().on() ? c.tracking().redirect() : -1));
        client.sub("tracking", ClientCommand::tracking);
        client.sub("caching", ClientCommand::caching);
        client.sub("trackinginfo", ClientCommand::trackingInfo);
        client.sub("help", (c, a) -> help(c));
    }

    /** CLIENT TRACKING on|off [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP], checked as networking.c does. */
    private static void tracking(Client c, byte[][] a) {
        long redir = 0;
        boolean bcast = false;
        boolean optin = false;
        boolean optout = false;
        boolean noloop = false;
        List<Bytes> prefixes = new ArrayList<>();
        for (int j = 3; j < a.length; j++) {
            boolean more = a.length - 1 - j > 0;
            if (Args.is(a[j], "redirect") && more) {
                j++;
                if (redir != 0) throw new RedisError("ERR A client can only redirect to a single other client");
                redir = Args.toLong(a[j]);
                long id = redir;
                boolean exists = false;
                for (Client other : server(c).eventLoop().clients()) {
                    if (other.id == id && !other.isClosed()) exists = true;
                }
                if (!exists) throw new RedisError("ERR The client ID you want redirect to does not exist");
            } else if (Args.is(a[j], "bcast")) {
                bcast = true;
            } else if (Args.is(a[j], "optin")) {
                optin = true;
            } else if (Args.is(a[j], "optout")) {
                optout = true;
            } else if (Args.is(a[j], "noloop")) {
                noloop = true;
            } else if (Args.is(a[j], "prefix") && more) {
                j++;
                prefixes.add(new Bytes(a[j]));
            } else {
                throw RedisError.SYNTAX;
            }
        }
        if (Args.is(a[2], "on")) {
            if (!bcast && !prefixes.isEmpty()) throw new RedisError("ERR PREFIX option requires BCAST mode to be enabled");
            if (c.tracking().on() && c.tracking().bcast() != bcast) {
                throw new RedisError("ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
                        + "and then re-enabling it with a different mode.");
            }
            if (bcast && (optin || optout)) throw new RedisError("ERR OPTIN and OPTOUT are not compatible with BCAST");
            if (optin && optout) throw new RedisError("ERR You can't specify both OPTIN mode and OPTOUT mode");
            if ((optin && c.tracking().optout()) || (optout && c.tracking().optin())) {
                throw new RedisError("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, "
                        + "and then re-enabling it with a different mode.");
            }
            if (bcast) {
                String err = server(c).tracking().prefixCollision(c, prefixes);
                if (err != null) throw new RedisError(err);
            }
            server(c).tracking().enable(c, redir, bcast, optin, optout, noloop, prefixes);
        } else if (Args.is(a[2], "off")) {
            server(c).tracking().disable(c);
        } else {
            throw RedisError.SYNTAX;
        }
        c.addOk();
    }

    private static void caching(Client c, byte[][] a) {
        if (!c.tracking().on()) {
            throw new RedisError("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN "
                    + "or OPTOUT mode enabled");
        }
        if (Args.is(a[2], "yes")) {
            if (!c.tracking().optin()) throw new RedisError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
        } else if (Args.is(a[2], "no")) {
            if (!c.tracking().optout()) throw new RedisError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
        } else {
            throw RedisError.SYNTAX;
        }
        c.tracking().caching(true);
        c.addOk();
    }

    private static void trackingInfo(Client c, byte[][] a) {
        List<String> flags = new ArrayList<>();
        flags.add(c.tracking().on() ? "on" : "off");
        if (c.tracking().bcast()) flags.add("bcast");
        if (c.tracking().optin()) {
            flags.add("optin");
            if (c.tracking().caching()) flags.add("caching-yes");
        }
        if (c.tracking().optout()) {
            flags.add("optout");
            if (c.tracking().caching()) flags.add("caching-no");
        }
        if (c.tracking().noloop()) flags.add("noloop");
        if (c.tracking().brokenRedirect()) flags.add("broken_redirect");
        c.addMapLen(3);
        c.addBulk("flags");
        c.addSetLen(flags.size());
        for (String f : flags) c.addBulk(f);
        c.addBulk("redirect");
        c.addInteger(c.tracking().on() ? c.tracking().redirect() : -1);
        c.addBulk("prefixes");
        List<Bytes> sorted = new ArrayList<>(c.tracking().prefixes());
        java.util.Collections.sort(sorted);
        c.addArrayLen(sorted.size());
        for (Bytes p : sorted) c.addBulk(p);
    }

    private static boolean onOff(Client c, byte[] v) {
        boolean on;
        if (Args.is(v, "on")) on = true;
        else if (Args.is(v, "off")) on = false;
        else throw RedisError.SYNTAX;
        c.addOk();
        return on;
    }

    static void validateName(String name) {
        for (char ch : name.toCharArray()) {
            if (ch < '!' || ch > '~') {
                throw new RedisError("ERR Client names cannot contain spaces, newlines or special characters.");
            }
        }
    }

    private static void setname(Client c, byte[][] a) {
        String name = Args.str(a[2]);
        validateName(name);
        c.setName(name);
        c.addOk();
    }

    private static void setinfo(Client c, byte[][] a) {
        String attr = Args.lower(a[2]);
        String value = Args.str(a[3]);
        for (char ch : value.toCharArray()) {
            if (ch < '!' || ch > '~') {
                throw new RedisError("ERR " + attr + " cannot contain spaces, newlines or special characters.");
            }
        }
        switch (attr) {
            case "lib-name" -> c.setLibName(value);
            case "lib-ver" -> c.setLibVersion(value);
            default -> throw new RedisError("ERR Unrecognized option '" + Args.str(a[2]) + "'");
        }
        c.addOk();
    }

    static String flags(Client c) {
        StringBuilder f = new StringBuilder();
        if (c.isReplica()) f.append('S');
        if (c.isMaster()) f.append('M');
        if (c.isBlocked()) f.append('b');
        if (c.multi().active()) f.append('x');
        if (c.tracking().on()) f.append('t');
        if (c.tracking().brokenRedirect()) f.append('R');
        if (c.tracking().bcast()) f.append('B');
        if (c.multi().casDirty()) f.append('d');
        if (c.isSubscribed()) f.append('P');
        if (c.monitor()) f.append('O');
        if (c.isClosing()) f.append('c');
        if (c.noEvict()) f.append('e');
        if (c.noTouch()) f.append('T');
        return f.length() == 0 ? "N" : f.toString();
    }

    static String describe(Client c, Client self) {
        long now = System.currentTimeMillis();
        String cmd = c.lastCommand();
        // the running command is still in the query buffer while it executes, as in Redis
        int qbuf = c.queryBufferLength() + (c == self ? c.parser().lastRequestLength() : 0);
        return "id=" + c.id + " addr=" + c.addr() + " laddr=" + c.laddr() + " fd=" + (8 + c.id)
                + " name=" + c.name() + " age=" + (now - c.createdAtMs) / 1000 + " idle=" + (now - c.lastInteractionMs()) / 1000
                + " flags=" + flags(c) + " db=" + c.db().id() + " sub=" + c.channels.size() + " psub=" + c.patterns.size()
                + " ssub=" + c.shardChannels.size() + " multi=" + (c.multi().active() ? c.multi().queued().size() : -1)
                + " qbuf=" + qbuf + " qbuf-free=" + Math.max(0, c.parser().sdsAlloc() - qbuf)
                + " argv-mem=0 multi-mem=0 rbs=" + c.replyBuffer.size() + " rbp=" + c.replyBuffer.peak() + " obl=0 oll=0 omem="
                + c.pendingReplyBytes() + " tot-mem=" + (c.queryBufferCapacity() + 1024 + c.pendingReplyBytes())
                + " events=r cmd=" + cmd + " user=" + c.user() + " redir=" + (c.tracking().on() ? c.tracking().redirect() : -1) + " resp=" + c.resp()
                + " lib-name=" + c.libName() + " lib-ver=" + c.libVersion();
    }

    private static String type(Client c) {
        if (c.isMaster()) return "master";
        if (c.isReplica()) return "slave";
        return c.isSubscribed() ? "pubsub" : "normal";
    }

    private static void list(Client c, byte[][] a) {
        List<Client> all = server(c).eventLoop().clients();
        List<Client> chosen = new ArrayList<>(all);
        if (a.length > 2) {
            if (Args.is(a[2], "type") && a.length == 4) {
                String t = Args.lower(a[3]);
                if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(t)) {
                    throw new RedisError("ERR Unknown client type '" + Args.str(a[3]) + "'");
                }
                String want = t.equals("replica") ? "slave" : t;
                chosen.removeIf(x -> !type(x).equals(want));
            } else if (Args.is(a[2], "id") && a.length >= 4) {
                List<Long> ids = new ArrayList<>();
                for (int i = 3; i < a.length; i++) {
                    Long id = Numbers.parseLongStrict(a[i]);
                    if (id == null || id <= 0) throw new RedisError("ERR Invalid client ID");
                    ids.add(id);
                }
                chosen.removeIf(x -> !ids.contains(x.id));
            } else {
                throw RedisError.SYNTAX;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Client x : chosen) sb.append(describe(x, c)).append('\n');
        c.addVerbatim(sb.toString());
    }

    private static void kill(Client c, byte[][] a) {
        Server s = server(c);
        List<Client> all = new ArrayList<>(s.eventLoop().clients());
        if (a.length == 3) {
            String addr = Args.str(a[2]);
            for (Client x : all) {
                if (x.addr().equals(addr)) {
                    killClient(c, x);
                    c.addOk();
                    return;
                }
            }
            throw new RedisError("ERR No such client");
        }
        Long id = null;
        String addr = null;
        String laddr = null;
        String type = null;
        String user = null;
        boolean skipMe = true;
        if ((a.length - 2) % 2 != 0) throw RedisError.SYNTAX;
        for (int i = 2; i < a.length; i += 2) {
            String opt = Args.lower(a[i]);
            String val = Args.str(a[i + 1]);
            switch (opt) {
                case "id" -> {
                    id = Numbers.parseLongStrict(a[i + 1]);
                    if (id == null || id <= 0) throw new RedisError("ERR client-id should be greater than 0");
                }
                case "addr" -> addr = val;
                case "laddr" -> laddr = val;
                case "type" -> {
                    type = val.toLowerCase();
                    if (!List.of("normal", "master", "replica", "slave", "pubsub").contains(type)) {
                        throw new RedisError("ERR Unknown client type '" + val + "'");
                    }
                }
                case "user" -> {
                    if (server(c).acl().user(val) == null) throw new RedisError("ERR No such user '" + val + "'");
                    user = val;
                }
                case "skipme" -> {
                    if (val.equalsIgnoreCase("yes")) skipMe = true;
                    else if (val.equalsIgnoreCase("no")) skipMe = false;
                    else throw RedisError.SYNTAX;
                }
                case "maxage" -> { }
                default -> throw RedisError.SYNTAX;
            }
        }
        int killed = 0;
        for (Client x : all) {
            if (id != null && x.id != id) continue;
            if (addr != null && !x.addr().equals(addr)) continue;
            if (laddr != null && !x.laddr().equals(laddr)) continue;
            if (type != null && !type(x).equals(type.equals("replica") ? "slave" : type)) continue;
            if (user != null && !x.user().name().equals(user)) continue;
            if (x == c && skipMe) continue;
            killClient(c, x);
            killed++;
        }
        c.addInteger(killed);
    }

    private static void killClient(Client self, Client x) {
        if (x == self) self.closeAfterReply();
        else server(x).eventLoop().closeClient(x);
    }

    private static void reply(Client c, byte[][] a) {
        if (Args.is(a[2], "on")) {
            c.setReplyMode(Client.ReplyMode.ON);
            c.setSkipNextReply(false);
            c.addOk();
        } else if (Args.is(a[2], "off")) {
            c.setReplyMode(Client.ReplyMode.OFF);
        } else if (Args.is(a[2], "skip")) {
            if (c.replyMode() != Client.ReplyMode.OFF) c.setReplyMode(Client.ReplyMode.SKIP);
        } else {
            throw RedisError.SYNTAX;
        }
    }

    private static void pause(Client c, byte[][] a) {
        Long ms = Numbers.parseLongStrict(a[2]);
        if (ms == null || ms < 0) throw new RedisError("ERR timeout is not an integer or out of range");
        boolean writesOnly = false;
        if (a.length == 4) {
            if (Args.is(a[3], "write")) writesOnly = true;
            else if (!Args.is(a[3], "all")) throw RedisError.SYNTAX;
        } else if (a.length > 4) {
            throw RedisError.SYNTAX;
        }
        server(c).dispatcher().pause().pause(System.currentTimeMillis() + ms, writesOnly);
        c.addOk();
    }

    private static void unblock(Client c, byte[][] a) {
        Long id = Numbers.parseLongStrict(a[2]);
        if (id == null) throw RedisError.NOT_INTEGER;
        boolean withError = false;
        if (a.length == 4) {
            if (Args.is(a[3], "error")) withError = true;
            else if (!Args.is(a[3], "timeout")) {
                throw new RedisError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            }
        } else if (a.length > 4) {
            throw RedisError.SYNTAX;
        }
        for (Client x : server(c).eventLoop().clients()) {
            if (x.id == id && x.isBlocked()) {
                server(c).blocking().unblockByRequest(x, withError);
                c.addInteger(1);
                return;
            }
        }
        c.addInteger(0);
    }

    private static void help(Client c) {
        String[] lines = {
            "CACHING (YES|NO)", "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
            "GETREDIR", "    Return the client ID we are redirecting to when tracking is enabled.",
            "GETNAME", "    Return the name of the current connection.",
            "ID", "    Return the ID of the current connection.",
            "INFO", "    Return information about the current client connection.",
            "KILL <ip:port>", "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]", "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Kill connections by type.",
            "    * USER <username>", "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)", "      Skip killing current connection (default: yes).",
            "LIST [options ...]", "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Return clients of specified type.",
            "UNPAUSE", "    Stop the current client pause, resuming traffic.",
            "PAUSE <timeout> [WRITE|ALL]", "    Suspend all, or just write, clients for <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
            "SETNAME <name>", "    Assign the name <name> to the current connection.",
            "SETINFO <option> <value>", "    Set client meta attr. Options are: LIB-NAME, LIB-VER.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]", "    Unblock the specified blocked client.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]", "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Control server assisted client side caching.",
            "TRACKINGINFO", "    Report tracking status for the current connection.",
            "NO-EVICT (ON|OFF)", "    Protect current client connection from eviction."};
        c.addHelp("CLIENT", lines);
    }
}
