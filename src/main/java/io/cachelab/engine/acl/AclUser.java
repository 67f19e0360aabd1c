package io.cachelab.engine.acl;

import io.cachelab.engine.net.ClientUser;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A user of Redis's ACL: on/off, password hashes (SHA-256 hex, never the clear text), and selectors,
 * the first being the root one. {@link #unrestricted()} is what the dispatcher reads per command: true
 * while one selector allows every command, key and channel, so the default user costs one boolean.
 */
public final class AclUser implements ClientUser {
    static final int ENABLED = 1, DISABLED = 2, NOPASS = 4, SKIP_SANITIZE = 8, SANITIZE = 16;
    private static final String[] FLAG_NAMES = {"on", "off", "nopass", "skip-sanitize-payload", "sanitize-payload"};

    public final String name;

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean unrestricted() {
        return unrestricted;
    }
    int flags = DISABLED;
    final List<String> passwords = new ArrayList<>();
    final List<Selector> selectors = new ArrayList<>();
    /** Every command, key and channel allowed: the permission check is skipped. */
    private boolean unrestricted;

    private final io.cachelab.engine.table.CommandTable table;

    AclUser(String name, int pubsubDefault, io.cachelab.engine.table.CommandTable table) {
        this.name = name;
        this.table = table;
        selectors.add(new Selector(Selector.ROOT | pubsubDefault, table));
    }

    Selector root() {
        return selectors.get(0);
    }

    public boolean enabled() {
        return (flags & DISABLED) == 0;
    }

    public boolean nopass() {
        return (flags & NOPASS) != 0;
    }

    void copyFrom(AclUser src) {
        flags = src.flags;
        passwords.clear();
        passwords.addAll(src.passwords);
        selectors.clear();
        for (Selector s : src.selectors) selectors.add(s.copy());
        refresh();
    }

    void refresh() {
        boolean all = false;
        for (Selector s : selectors) {
            int need = Selector.ALLCOMMANDS | Selector.ALLKEYS | Selector.ALLCHANNELS;
            all |= (s.flags & need) == need;
        }
        unrestricted = all;
    }

    /** ACLSetUser: one rule; null when it was understood, else the error text. */
    String apply(String op, int pubsubDefault) {
        if (op.isEmpty()) return null;
        if (applyUserFlag(op.toLowerCase(Locale.ROOT), pubsubDefault)) return null;
        char first = op.charAt(0);
        if (first == '>' || first == '#' || first == '<' || first == '!') return applyPassword(op);
        if (first == '(' && op.charAt(op.length() - 1) == ')') {
            Selector s = new Selector(pubsubDefault, table);
            for (String part : Acl.splitArgs(op.substring(1, op.length() - 1))) {
                String err = s.apply(part);
                if (err != null) return err;
            }
            selectors.add(s);
            return null;
        }
        return root().apply(op);
    }

    /** The rules about the user itself (on, off, nopass, reset, ...); false when {@code lower} is none of them. */
    private boolean applyUserFlag(String lower, int pubsubDefault) {
        switch (lower) {
            case "on" -> flags = (flags | ENABLED) & ~DISABLED;
            case "off" -> flags = (flags | DISABLED) & ~ENABLED;
            case "skip-sanitize-payload" -> flags = (flags | SKIP_SANITIZE) & ~SANITIZE;
            case "sanitize-payload" -> flags = (flags | SANITIZE) & ~SKIP_SANITIZE;
            case "nopass" -> {
                flags |= NOPASS;
                passwords.clear();
            }
            case "resetpass" -> {
                flags &= ~NOPASS;
                passwords.clear();
            }
            case "clearselectors" -> selectors.subList(1, selectors.size()).clear();
            case "reset" -> {
                apply("resetpass", pubsubDefault);
                apply("resetkeys", pubsubDefault);
                apply("resetchannels", pubsubDefault);
                if (pubsubDefault != 0) apply("allchannels", pubsubDefault);
                apply("off", pubsubDefault);
                apply("sanitize-payload", pubsubDefault);
                apply("clearselectors", pubsubDefault);
                apply("-@all", pubsubDefault);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** >password and #hash add a password, <password and !hash remove one. */
    private String applyPassword(String op) {
        char first = op.charAt(0);
        String hash;
        if (first == '>' || first == '<') {
            hash = hash(op.substring(1));
        } else {
            hash = op.substring(1);
            if (!validHash(hash)) return Acl.ERR_HASH;
        }
        if (first == '>' || first == '#') {
            if (!passwords.contains(hash)) passwords.add(hash);
            flags &= ~NOPASS;
            return null;
        }
        if (!passwords.remove(hash)) {
            return "The password you are trying to remove from the user does not exist";
        }
        return null;
    }

    boolean checkPassword(String clear) {
        if (nopass()) return true;
        // every stored hash is compared in full: the time taken says nothing about which one matched
        byte[] given = hash(clear).getBytes(StandardCharsets.US_ASCII);
        boolean ok = false;
        for (String p : passwords) ok |= MessageDigest.isEqual(p.getBytes(StandardCharsets.US_ASCII), given);
        return ok;
    }

    /** ACLDescribeUser: the rules that recreate this user, as ACL LIST and the ACL file show them. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < FLAG_NAMES.length; i++) if ((flags & (1 << i)) != 0) sb.append(FLAG_NAMES[i]).append(' ');
        for (String p : passwords) sb.append('#').append(p).append(' ');
        for (Selector s : selectors) {
            if (s.isRoot()) sb.append(s.describe());
            else sb.append(" (").append(s.describe()).append(')');
        }
        return sb.toString();
    }

    /** What ACL GETUSER shows: each selector as {commands, keys, channels}. */
    public record Description(List<String> flags, List<String> passwords, String[] root, List<String[]> selectors) {
    }

    public Description description() {
        List<String[]> others = new ArrayList<>();
        for (Selector s : selectors.subList(1, selectors.size())) others.add(describe(s));
        return new Description(flagNames(), List.copyOf(passwords), describe(root()), others);
    }

    private static String[] describe(Selector s) {
        return new String[] {s.describeCommands(), s.describeKeys(" "), s.describeChannels()};
    }

    List<String> flagNames() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < FLAG_NAMES.length; i++) if ((flags & (1 << i)) != 0) out.add(FLAG_NAMES[i]);
        return out;
    }

    static String hash(String clear) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(clear.getBytes(StandardCharsets.ISO_8859_1));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean validHash(String h) {
        if (h.length() != 64) return false;
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if ((c < 'a' || c > 'f') && (c < '0' || c > '9')) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        return name;
    }
}
