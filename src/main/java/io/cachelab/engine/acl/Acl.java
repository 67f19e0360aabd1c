package io.cachelab.engine.acl;

import io.cachelab.engine.table.CommandDef;
import io.cachelab.engine.table.CommandFlag;
import io.cachelab.engine.table.GetKeys;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.net.ClientUser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The ACL subsystem of one server (Redis's acl.c globals as an object): the users, the ACL log,
 * authentication, and the permission check processCommand, EXEC and scripts make. Rules are
 * applied to a copy of the user first, so a rule list with one bad rule changes nothing, and a
 * user's clients are closed when the user is deleted or loses channels they are subscribed to.
 */
public final class Acl {
    public static final int DENIED_CMD = 1, DENIED_KEY = 2, DENIED_AUTH = 3, DENIED_CHANNEL = 4;

    static final String ERR_SYNTAX = "Syntax error";
    static final String ERR_UNKNOWN = "Unknown command or category name in ACL";
    static final String ERR_HASH = "The password hash must be exactly 64 characters and contain only lowercase "
            + "hexadecimal characters";
    static final String ERR_KEYS_AFTER_ALL = "Adding a pattern after the * pattern (or the 'allkeys' flag) is not "
            + "valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    static final String ERR_CHANNELS_AFTER_ALL = "Adding a pattern after the * pattern (or the 'allchannels' flag) is "
            + "not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels";

    private final AclHost server;
    private final Map<String, AclUser> users = new TreeMap<>();
    private final AclUser defaultUser;
    private final Deque<LogEntry> log = new ArrayDeque<>();
    /** CLIENT INFO's line for a client, for log entries (supplied by the command layer). */
    private Function<Client, String> clientInfo = c -> "";

    /** One ACL LOG entry; repeated denials within a minute bump its count. */
    public static final class LogEntry {
        private long count = 1;
        public final int reason;
        public final String context;
        public final String object;
        public final String username;
        private long ctimeMs;
        private String clientInfo;

        public long count() {
            return count;
        }

        public long ctimeMs() {
            return ctimeMs;
        }

        public String clientInfo() {
            return clientInfo;
        }

        LogEntry(int reason, String context, String object, String username, long ctimeMs, String clientInfo) {
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.ctimeMs = ctimeMs;
            this.clientInfo = clientInfo;
        }

        public String reasonName() {
            return switch (reason) {
                case DENIED_CMD -> "command";
                case DENIED_KEY -> "key";
                case DENIED_CHANNEL -> "channel";
                case DENIED_AUTH -> "auth";
                default -> "unknown";
            };
        }
    }

    private final io.cachelab.engine.table.CommandTable table;

    /** {@code table}: the commands rules name and ids index (a Sentinel's differ from a server's). */
    public Acl(AclHost server, io.cachelab.engine.table.CommandTable table) {
        this.server = server;
        this.table = table;
        defaultUser = new AclUser("default", pubsubDefault(), table);
        for (String op : List.of("+@all", "~*", "&*", "on", "nopass")) defaultUser.apply(op, pubsubDefault());
        defaultUser.refresh();
        users.put("default", defaultUser);
        updateDefaultPassword(server.config().getString("requirepass"));
        server.config().onChange("requirepass", this::updateDefaultPassword);
        loadConfiguredUsers(server.config().userDirectives);
        if (!aclFile().isEmpty()) {
            if (!server.config().userDirectives.isEmpty()) {
                throw new IllegalStateException("Configuring Redis with users defined in redis.conf and at the same "
                        + "setting an ACL file path is invalid.");
            }
            String err = load(null);
            if (err != null) throw new IllegalStateException(err);
        }
    }

    /** ACLLoadConfiguredUsers: "user" lines of the configuration; any error stops the start. */
    private void loadConfiguredUsers(List<String> directives) {
        List<String> seen = new ArrayList<>();
        for (String line : directives) {
            List<String> words = new ArrayList<>();
            for (String w : line.split(" ")) if (!w.isEmpty()) words.add(w);
            if (words.isEmpty()) throw new IllegalStateException("Bad directive: user without a name");
            String name = words.get(0);
            if (seen.contains(name)) {
                throw new IllegalStateException("Duplicate user found. A user can only be defined once in config files");
            }
            seen.add(name);
            AclUser u = users.get(name);
            if (u == null) {
                u = new AclUser(name, pubsubDefault(), table);
                users.put(name, u);
            } else {
                u.apply("reset", pubsubDefault());
            }
            for (String op : mergeSelectorArguments(words.subList(1, words.size()))) {
                String err = u.apply(op, pubsubDefault());
                if (err != null) {
                    throw new IllegalStateException("Error loading ACL rule '" + op + "' for the user named '" + name
                            + "': " + err);
                }
            }
            u.refresh();
        }
    }

    public void setClientInfo(Function<Client, String> clientInfo) {
        this.clientInfo = clientInfo;
    }

    /** catClientInfoString: the CLIENT LIST line of a client (for log lines). */
    public String clientInfo(Client c) {
        return clientInfo.apply(c);
    }

    /** ACLUpdateDefaultUserPassword: requirepass is the default user's one password. */
    private void updateDefaultPassword(String password) {
        defaultUser.apply("resetpass", 0);
        if (password.isEmpty()) defaultUser.apply("nopass", 0);
        else defaultUser.apply(">" + password, 0);
    }

    int pubsubDefault() {
        return server.config().getString("acl-pubsub-default").equals("allchannels") ? Selector.ALLCHANNELS : 0;
    }

    public AclUser defaultUser() {
        return defaultUser;
    }

    public AclUser user(String name) {
        return users.get(name);
    }

    public Iterable<AclUser> users() {
        return users.values();
    }

    public int userCount() {
        return users.size();
    }

    /** authRequired(): the default user needs a password (or is off) and the client has not authenticated. */
    public boolean authRequired(Client c) {
        return !c.authenticated() && (!defaultUser.nopass() || !defaultUser.enabled());
    }

    /** A new connection starts as the default user, authenticated if that user needs no password. */
    public void initClient(Client c) {
        c.setUser(defaultUser);
        c.setAuthenticated(defaultUser.nopass() && defaultUser.enabled());
    }

    // ------------------------------------------------------------------ users

    /** ACLStringSetUser: creates or changes a user; null, or the error to reply. */
    public String setUser(String name, List<String> rules) {
        List<String> merged = mergeSelectorArguments(rules);
        AclUser existing = users.get(name);
        AclUser temp = new AclUser(name, pubsubDefault(), table);
        if (existing != null) temp.copyFrom(existing);
        for (String op : merged) {
            String err = temp.apply(op, pubsubDefault());
            if (err != null) return "ERR Error in ACL SETUSER modifier '" + op + "': " + err;
        }
        if (existing != null) killPubsubClientsIfNeeded(temp, existing);
        AclUser target = existing != null ? existing : new AclUser(name, pubsubDefault(), table);
        target.copyFrom(temp);
        users.put(name, target);
        return null;
    }

    /** ACLMergeSelectorArguments: "(~key1" "+get)" is one selector; throws on an unmatched '('. */
    static List<String> mergeSelectorArguments(List<String> argv) {
        List<String> out = new ArrayList<>();
        StringBuilder selector = null;
        String openedAt = null;
        for (String op : argv) {
            if (!op.isEmpty() && op.charAt(0) == '(' && op.charAt(op.length() - 1) != ')') {
                selector = new StringBuilder(op);
                openedAt = op;
                continue;
            }
            if (selector != null) {
                selector.append(' ').append(op);
                if (!op.isEmpty() && op.charAt(op.length() - 1) == ')') {
                    out.add(selector.toString());
                    selector = null;
                }
                continue;
            }
            out.add(op);
        }
        if (selector != null) {
            throw new AclException("ERR Unmatched parenthesis in acl selector starting at '" + openedAt + "'.");
        }
        return out;
    }

    /** An ACL rule error with the full reply text. */
    public static final class AclException extends RuntimeException {
        public AclException(String message) {
            super(message, null, false, false);
        }
    }

    /** ACL DELUSER: the named user's connections are closed (the caller's after its reply); 1 if it existed. */
    public int deleteUser(String name, Client current) {
        AclUser u = users.remove(name);
        if (u == null) return 0;
        closeClientsOf(u, current);
        return 1;
    }

    /** ACLKillPubsubClientsIfNeeded: subscribers whose channels the new rules no longer allow are closed. */
    private void killPubsubClientsIfNeeded(AclUser updated, AclUser original) {
        for (Selector s : updated.selectors) if ((s.flags & Selector.ALLCHANNELS) != 0) return;
        List<String> upcoming = new ArrayList<>();
        for (Selector s : updated.selectors) upcoming.addAll(s.channels);
        boolean superset = true;
        for (Selector s : original.selectors) {
            if ((s.flags & Selector.ALLCHANNELS) != 0) {
                superset = false;
                break;
            }
            for (String ch : s.channels) if (!upcoming.contains(ch)) superset = false;
        }
        if (superset) return;
        for (Client c : new ArrayList<>(server.eventLoop().clients())) {
            if (c.user() != original || !c.isSubscribed()) continue;
            boolean kill = false;
            for (var p : c.patterns) kill |= !Selector.channelInList(upcoming, p.array(), true);
            for (var ch : c.channels) kill |= !Selector.channelInList(upcoming, ch.array(), false);
            for (var ch : c.shardChannels) kill |= !Selector.channelInList(upcoming, ch.array(), false);
            if (kill) {
                if (c == server.tracking().current()) c.closeAfterReply();
                else server.eventLoop().closeClient(c);
            }
        }
    }

    // ------------------------------------------------------------------ authentication

    /** ACLAuthenticateUser; a failure is logged with the command name as typed (AUTH, hello, ...). */
    public boolean authenticate(Client c, String username, String password, String commandName) {
        AclUser u = users.get(username);
        if (u != null && u.enabled() && u.checkPassword(password)) {
            c.setAuthenticated(true);
            c.setUser(u);
            return true;
        }
        addLog(c, DENIED_AUTH, c.multi().active() ? "multi" : "toplevel", commandName, username);
        return false;
    }

    // ------------------------------------------------------------------ permission checks

    private final GetKeys.Found keysFound = new GetKeys.Found();
    private final boolean[] keysReady = new boolean[1];
    private final int[] at = new int[1];
    private int lastDeniedPos;

    /**
     * ACLCheckAllUserCommandPerm: 0 when the user may run the command, else the DENIED_* reason
     * ({@link #lastDeniedPos()} then says which argument). cmd null: a command Redis does not have,
     * allowed to users who may run future commands.
     */
    public int check(ClientUser user, CommandDef cmd, byte[][] argv) {
        AclUser u = (AclUser) user;
        if (u.unrestricted()) return 0;
        if (cmd == null) {
            for (Selector s : u.selectors) if (s.canRunFutureCommands()) return 0;
            lastDeniedPos = 0;
            return DENIED_CMD;
        }
        boolean noAuth = cmd.has(CommandFlag.NO_AUTH);
        int relevant = DENIED_CMD;
        int lastIdx = 0;
        keysReady[0] = false;
        for (Selector s : u.selectors) {
            at[0] = 0;
            int r = s.check(cmd, noAuth, argv, keysFound, keysReady, at);
            if (r == 0) return 0;
            if (r > relevant || (r == relevant && at[0] > lastIdx)) {
                relevant = r;
                lastIdx = at[0];
            }
        }
        lastDeniedPos = lastIdx;
        return relevant;
    }

    /**
     * ACLUserCheckCmdWithUnrestrictedKeyAccess for read access: may SORT's BY and GET patterns read
     * any key? True if one selector allows the command and every key to be read.
     */
    public boolean mayReadAnyKey(ClientUser user, CommandDef cmd, byte[][] argv) {
        AclUser u = (AclUser) user;
        if (u.unrestricted()) return true;
        keysReady[0] = false;
        for (Selector s : u.selectors) {
            if (cmd != null && s.check(cmd, false, argv, keysFound, keysReady, at) == 0
                    && s.unrestrictedKeys(Selector.READ)) {
                return true;
            }
        }
        return false;
    }

    public int lastDeniedPos() {
        return lastDeniedPos;
    }

    /** ACLUserCheckKeyPerm for one key with the given read/write need. */
    public boolean keyAllowed(AclUser u, byte[] key, int specFlags) {
        if (u.unrestricted()) return true;
        for (Selector s : u.selectors) if (s.keyAllowed(key, specFlags)) return true;
        return false;
    }

    // ------------------------------------------------------------------ log

    public void addLog(Client c, int reason, String context, String object, String username) {
        String name = username != null ? username : c.user().name();
        Client real = c.scriptClient() && server.tracking().current() != null ? server.tracking().current() : c;
        LogEntry e = new LogEntry(reason, context, object, name, System.currentTimeMillis(), clientInfo.apply(real));
        int toScan = 10;
        for (Iterator<LogEntry> it = log.iterator(); it.hasNext() && toScan-- > 0; ) {
            LogEntry cur = it.next();
            if (cur.reason == e.reason && cur.context.equals(e.context) && Math.abs(cur.ctimeMs - e.ctimeMs) <= 60000
                    && cur.object.equals(e.object) && cur.username.equals(e.username)) {
                it.remove();
                cur.clientInfo = e.clientInfo;
                cur.ctimeMs = e.ctimeMs;
                cur.count++;
                log.addFirst(cur);
                return;
            }
        }
        log.addFirst(e);
        long max = server.config().getLong("acllog-max-len");
        while (log.size() > max) log.removeLast();
    }

    public Deque<LogEntry> log() {
        return log;
    }

    // ------------------------------------------------------------------ ACL file

    public String aclFile() {
        String f = server.config().getString("aclfile");
        if (f.isEmpty()) return f;
        Path p = Path.of(f);
        return p.isAbsolute() ? f : Path.of(server.config().getString("dir")).resolve(p).toString();
    }

    /** ACLSaveToFile: ACL LIST's lines, written to a temp file and renamed over the old one. */
    public boolean save() {
        StringBuilder sb = new StringBuilder();
        for (AclUser u : users.values()) sb.append("user ").append(u.name).append(' ').append(u.describe()).append('\n');
        try {
            Path target = Path.of(aclFile());
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
            Files.writeString(tmp, sb.toString(), StandardCharsets.ISO_8859_1);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException | RuntimeException e) {
            server.logError("ACL SAVE failed", e);
            return false;
        }
    }

    /**
     * ACLLoadFromFile: every line must parse, or nothing changes (null on success, else the errors).
     * All users are replaced, so every client of a user other than default is closed, the caller's
     * after its reply; a file without a default user resets it to +@all ~* &* on nopass.
     */
    public String load(Client current) {
        String file = aclFile();
        String shownName = server.config().getString("aclfile");
        List<String> lines;
        try {
            lines = List.of(Files.readString(Path.of(file), StandardCharsets.ISO_8859_1).split("\n", -1));
        } catch (IOException e) {
            return "Error loading ACLs, opening file '" + shownName + "': "
                    + (e instanceof java.nio.file.NoSuchFileException ? "No such file or directory" : "Permission denied");
        }
        Map<String, AclUser> loaded = new TreeMap<>();
        StringBuilder errors = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).replaceAll("^[ \t\r\n]+|[ \t\r\n]+$", "");
            if (line.isEmpty()) continue;
            List<String> argv = new ArrayList<>();
            for (String part : line.split(" ")) if (!part.isEmpty()) argv.add(part);
            if (argv.isEmpty()) continue;
            if (!argv.get(0).equals("user") || argv.size() < 2) {
                errors.append(shownName).append(':').append(lineNo)
                        .append(" should start with user keyword followed by the username. ");
                continue;
            }
            String name = argv.get(1);
            if (loaded.containsKey(name)) {
                errors.append("WARNING: Duplicate user '").append(name).append("' found on line ").append(lineNo).append(". ");
                continue;
            }
            AclUser u = new AclUser(name, pubsubDefault(), table);
            loaded.put(name, u);
            List<String> rules;
            try {
                rules = mergeSelectorArguments(argv.subList(2, argv.size()));
            } catch (AclException e) {
                errors.append(shownName).append(':').append(lineNo).append(": Unmatched parenthesis in selector definition.");
                continue;
            }
            boolean syntaxError = false;
            for (String op : rules) {
                String err = u.apply(op.strip(), pubsubDefault());
                if (err == null) continue;
                if (err.equals(ERR_UNKNOWN)) {
                    errors.append(shownName).append(':').append(lineNo).append(": Error in applying operation '")
                            .append(op).append("': ").append(err).append(". ");
                } else if (!syntaxError) {
                    errors.append(shownName).append(':').append(lineNo).append(": ").append(err).append(". ");
                    syntaxError = true;
                }
            }
            u.refresh();
        }
        if (errors.length() > 0) {
            return errors.append("WARNING: ACL errors detected, no change to the previously active ACL rules was performed")
                    .toString();
        }
        AclUser newDefault = loaded.remove("default");
        if (newDefault == null) {
            newDefault = new AclUser("default", pubsubDefault(), table);
            for (String op : List.of("+@all", "~*", "&*", "on", "nopass")) newDefault.apply(op, pubsubDefault());
        }
        List<AclUser> old = new ArrayList<>(users.values());
        users.clear();
        defaultUser.copyFrom(newDefault);
        users.put("default", defaultUser);
        users.putAll(loaded);
        for (AclUser u : old) if (u != defaultUser) closeClientsOf(u, current);
        return null;
    }

    /** ACLFreeUserAndKillClients: the user's connections go back to default, unauthenticated, and close. */
    private void closeClientsOf(AclUser u, Client current) {
        for (Client c : new ArrayList<>(server.eventLoop().clients())) {
            if (c.user() != u) continue;
            c.setUser(defaultUser);
            c.setAuthenticated(false);
            if (c == current) c.closeAfterReply();
            else server.eventLoop().closeAsync(c);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** ACLStringHasSpaces: C's isspace (space, \t \n \v \f \r) or a NUL. */
    public static boolean hasSpaces(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || (c >= '\t' && c <= '\r') || c == 0) return true;
        }
        return false;
    }

    /** sdssplitargs, enough for selectors and ACL file lines: spaces separate, quotes group. */
    static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
            if (i >= s.length()) break;
            StringBuilder cur = new StringBuilder();
            char q = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (q != 0) {
                    if (c == '\\' && q == '"' && i + 1 < s.length()) {
                        cur.append(s.charAt(++i));
                    } else if (c == q) {
                        q = 0;
                    } else {
                        cur.append(c);
                    }
                } else if (c == '"' || c == '\'') {
                    q = c;
                } else if (Character.isWhitespace(c)) {
                    break;
                } else {
                    cur.append(c);
                }
                i++;
            }
            if (q != 0) return List.of();
            out.add(cur.toString());
        }
        return out;
    }
}
