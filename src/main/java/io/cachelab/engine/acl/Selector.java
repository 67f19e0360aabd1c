package io.cachelab.engine.acl;

import io.cachelab.engine.table.AclCategory;
import io.cachelab.engine.table.CommandDef;
import io.cachelab.engine.table.CommandTable;
import io.cachelab.engine.table.GetKeys;
import io.cachelab.engine.table.KeySpec;
import io.cachelab.engine.util.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * aclSelector from Redis's acl.c: a bitmap of allowed command ids (plus first-args allowed for an
 * otherwise blocked command, as +select|0), key patterns with read/write flags, channel patterns.
 * A user has a root selector and any number of "(...)" selectors; a command may run if one selector
 * allows it. The bitmap, not the rules typed in, is the truth: GETUSER describes it back with
 * Redis's own best-fit algorithm, so two rule lists meaning the same thing print the same.
 */
final class Selector {
    static final int ROOT = 1, ALLKEYS = 2, ALLCOMMANDS = 4, ALLCHANNELS = 8;
    static final int READ = 1, WRITE = 2, ALL = 3;

    /** A key pattern and whether it grants read, write or both. */
    static final class KeyPattern {
        final String pattern;
        final byte[] bytes;
        int flags;

        KeyPattern(String pattern, int flags) {
            this.pattern = pattern;
            this.bytes = pattern.getBytes(StandardCharsets.ISO_8859_1);
            this.flags = flags;
        }

        String describe() {
            return (flags == ALL ? "~" : flags == READ ? "%R~" : "%W~") + pattern;
        }
    }

    int flags;
    final BitSet allowed = new BitSet();
    /** Command id to first-args allowed while the command's bit is off (null when none). */
    Map<Integer, List<String>> firstArgs;
    final List<KeyPattern> keys = new ArrayList<>();
    final List<String> channels = new ArrayList<>();

    private final CommandTable table;

    Selector(int flags, CommandTable table) {
        this.flags = flags;
        this.table = table;
    }

    Selector copy() {
        Selector s = new Selector(flags, table);
        s.allowed.or(allowed);
        if (firstArgs != null) {
            s.firstArgs = new HashMap<>();
            firstArgs.forEach((k, v) -> s.firstArgs.put(k, new ArrayList<>(v)));
        }
        for (KeyPattern p : keys) s.keys.add(new KeyPattern(p.pattern, p.flags));
        s.channels.addAll(channels);
        return s;
    }

    boolean isRoot() {
        return (flags & ROOT) != 0;
    }

    private int futureBit() {
        return table.size();
    }

    boolean canRunFutureCommands() {
        return allowed.get(futureBit());
    }

    private void setBit(int id, boolean value) {
        if (value) {
            allowed.set(id);
        } else {
            allowed.clear(id);
            flags &= ~ALLCOMMANDS;
        }
    }

    /** ACLChangeSelectorPerm: a container's rule covers its subcommands. */
    void changePerm(CommandDef cmd, boolean allow) {
        setBit(cmd.id(), allow);
        if (firstArgs != null) firstArgs.remove(cmd.id());
        for (CommandDef sub : cmd.subcommands().values()) setBit(sub.id(), allow);
    }

    void changeCategory(long flag, boolean allow) {
        for (CommandDef cmd : table.topLevel()) changeCategory(cmd, flag, allow);
    }

    private void changeCategory(CommandDef cmd, long flag, boolean allow) {
        if ((cmd.categories() & flag) != 0) changePerm(cmd, allow);
        for (CommandDef sub : cmd.subcommands().values()) changeCategory(sub, flag, allow);
    }

    /** Commands of a category this selector allows (on) and denies (off). */
    long[] countCategory(long flag) {
        long[] onOff = new long[2];
        for (CommandDef cmd : table.topLevel()) countCategory(cmd, flag, onOff);
        return onOff;
    }

    private void countCategory(CommandDef cmd, long flag, long[] onOff) {
        if ((cmd.categories() & flag) != 0) onOff[allowed.get(cmd.id()) ? 0 : 1]++;
        for (CommandDef sub : cmd.subcommands().values()) countCategory(sub, flag, onOff);
    }

    private void addFirstArg(int id, String arg) {
        if (firstArgs == null) firstArgs = new HashMap<>();
        List<String> list = firstArgs.computeIfAbsent(id, k -> new ArrayList<>());
        for (String a : list) if (a.equalsIgnoreCase(arg)) return;
        list.add(arg);
    }

    /** ACLSetSelector: applies one rule; returns null or the error (ACLSetUserStringError's texts). */
    String apply(String op) {
        String lower = op.toLowerCase(Locale.ROOT);
        if (lower.equals("allkeys") || op.equals("~*")) {
            flags |= ALLKEYS;
            keys.clear();
        } else if (lower.equals("resetkeys")) {
            flags &= ~ALLKEYS;
            keys.clear();
        } else if (lower.equals("allchannels") || op.equals("&*")) {
            flags |= ALLCHANNELS;
            channels.clear();
        } else if (lower.equals("resetchannels")) {
            flags &= ~ALLCHANNELS;
            channels.clear();
        } else if (lower.equals("allcommands") || lower.equals("+@all")) {
            allowed.set(0, futureBit() + 1);
            flags |= ALLCOMMANDS;
            firstArgs = null;
        } else if (lower.equals("nocommands") || lower.equals("-@all")) {
            allowed.clear();
            flags &= ~ALLCOMMANDS;
            firstArgs = null;
        } else if (op.startsWith("~") || op.startsWith("%")) {
            return addKeyPattern(op);
        } else if (op.startsWith("&")) {
            if ((flags & ALLCHANNELS) != 0) return Acl.ERR_CHANNELS_AFTER_ALL;
            String pattern = op.substring(1);
            if (Acl.hasSpaces(pattern)) return Acl.ERR_SYNTAX;
            if (!channels.contains(pattern)) channels.add(pattern);
            flags &= ~ALLCHANNELS;
        } else if (op.startsWith("+") && !op.startsWith("+@")) {
            return allowCommand(op.substring(1));
        } else if (op.startsWith("-") && !op.startsWith("-@")) {
            CommandDef cmd = table.lookup(op.substring(1));
            if (cmd == null) return Acl.ERR_UNKNOWN;
            changePerm(cmd, false);
        } else if ((op.startsWith("+@") || op.startsWith("-@"))) {
            long flag = AclCategory.bitOf(op.substring(2));
            if (flag == 0) return Acl.ERR_UNKNOWN;
            changeCategory(flag, op.charAt(0) == '+');
        } else {
            return Acl.ERR_SYNTAX;
        }
        return null;
    }

    /** ~pattern, %R~pattern, %W~pattern, %RW~pattern: a key pattern with its permissions. */
    private String addKeyPattern(String op) {
        if ((flags & ALLKEYS) != 0) return Acl.ERR_KEYS_AFTER_ALL;
        int perm = 0;
        int offset = 1;
        if (op.charAt(0) == '%') {
            for (; offset < op.length(); offset++) {
                char ch = Character.toUpperCase(op.charAt(offset));
                if (ch == 'R' && (perm & READ) == 0) {
                    perm |= READ;
                } else if (ch == 'W' && (perm & WRITE) == 0) {
                    perm |= WRITE;
                } else if (op.charAt(offset) == '~') {
                    offset++;
                    break;
                } else {
                    return Acl.ERR_SYNTAX;
                }
            }
        } else {
            perm = ALL;
        }
        String pattern = op.substring(Math.min(offset, op.length()));
        if (Acl.hasSpaces(pattern)) return Acl.ERR_SYNTAX;
        KeyPattern existing = null;
        for (KeyPattern p : keys) if (p.pattern.equals(pattern)) existing = p;
        if (existing == null) keys.add(new KeyPattern(pattern, perm));
        else existing.flags |= perm;
        flags &= ~ALLKEYS;
        return null;
    }

    /** +command, +command|subcommand, or +command|first-arg for a command without subcommands. */
    private String allowCommand(String name) {
        int bar = name.lastIndexOf('|');
        if (bar < 0) {
            CommandDef cmd = table.lookup(name);
            if (cmd == null) return Acl.ERR_UNKNOWN;
            changePerm(cmd, true);
        } else {
            String base = name.substring(0, bar);
            String sub = name.substring(bar + 1);
            CommandDef cmd = table.lookup(base);
            if (cmd == null) return Acl.ERR_UNKNOWN;
            if (cmd.parent() != null) return "Allowing first-arg of a subcommand is not supported";
            if (sub.isEmpty()) return Acl.ERR_SYNTAX;
            if (!cmd.subcommands().values().isEmpty()) {
                CommandDef subCmd = table.lookup(name);
                if (subCmd == null) return Acl.ERR_UNKNOWN;
                changePerm(subCmd, true);
            } else {
                addFirstArg(cmd.id(), sub);
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ checks

    /** ACLSelectorCheckCmd: 0 when allowed, else Acl.DENIED_* with the offending position in at[0]. */
    int check(CommandDef cmd, boolean noAuth, byte[][] argv, GetKeys.Found keysFound, boolean[] keysReady, int[] at) {
        if ((flags & ALLCOMMANDS) == 0 && !noAuth && !allowed.get(cmd.id())) {
            List<String> args = firstArgs == null ? null : firstArgs.get(cmd.id());
            int idx = cmd.parent() != null ? 2 : 1;
            if (args == null || argv.length <= idx) return Acl.DENIED_CMD;
            boolean match = false;
            String given = new String(argv[idx], StandardCharsets.ISO_8859_1);
            for (String a : args) match |= a.equalsIgnoreCase(given);
            if (!match) return Acl.DENIED_CMD;
        }
        if ((flags & ALLKEYS) == 0 && cmd.hasKeys()) {
            if (!keysReady[0]) {
                GetKeys.keys(cmd, argv, keysFound);
                keysReady[0] = true;
            }
            for (int j = 0; j < keysFound.count(); j++) {
                if (!keyAllowed(argv[keysFound.pos(j)], keysFound.flags(j))) {
                    at[0] = keysFound.pos(j);
                    return Acl.DENIED_KEY;
                }
            }
        }
        int chFlags = AclKeys.channelFlags(cmd);
        if ((flags & ALLCHANNELS) == 0 && (chFlags & (AclKeys.CHANNEL_PUBLISH | AclKeys.CHANNEL_SUBSCRIBE)) != 0) {
            boolean pattern = (chFlags & AclKeys.CHANNEL_PATTERN) != 0;
            int stop = (chFlags & AclKeys.CHANNEL_PUBLISH) != 0 ? Math.min(2, argv.length) : argv.length;
            for (int i = 1; i < stop; i++) {
                if (!channelAllowed(argv[i], pattern)) {
                    at[0] = i;
                    return Acl.DENIED_CHANNEL;
                }
            }
        }
        return 0;
    }

    boolean keyAllowed(byte[] key, int specFlags) {
        if ((flags & ALLKEYS) != 0) return true;
        int need = 0;
        if ((specFlags & KeySpec.ACCESS) != 0) need |= READ;
        if ((specFlags & (KeySpec.INSERT | KeySpec.DELETE | KeySpec.UPDATE)) != 0) {
            need |= WRITE;
        }
        for (KeyPattern p : keys) {
            if ((p.flags & need) != need) continue;
            if (Glob.matches(p.bytes, key, false)) return true;
        }
        return false;
    }

    /** ACLSelectorHasUnrestrictedKeyAccess. */
    boolean unrestrictedKeys(int need) {
        if ((flags & ALLKEYS) != 0) return true;
        for (KeyPattern p : keys) if ((p.flags & need) == need && p.pattern.equals("*")) return true;
        return false;
    }

    boolean channelAllowed(byte[] channel, boolean isPattern) {
        if ((flags & ALLCHANNELS) != 0) return true;
        return channelInList(channels, channel, isPattern);
    }

    /** A PSUBSCRIBE pattern must equal an ACL pattern literally; a channel name is matched against them. */
    static boolean channelInList(List<String> list, byte[] channel, boolean isPattern) {
        String ch = isPattern ? new String(channel, StandardCharsets.ISO_8859_1) : null;
        for (String p : list) {
            boolean hit = isPattern ? p.equals(ch) : Glob.matches(p.getBytes(StandardCharsets.ISO_8859_1), channel, false);
            if (hit) return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ description

    /** ACLDescribeSelectorCommandRules: +@all or -@all, best-fitting categories, then single commands. */
    String describeCommands() {
        StringBuilder rules = new StringBuilder();
        boolean additive;
        Selector fake = new Selector(0, table);
        if (canRunFutureCommands()) {
            additive = false;
            rules.append("+@all ");
            fake.apply("+@all");
        } else {
            additive = true;
            rules.append("-@all ");
            fake.apply("-@all");
        }
        Selector temp = new Selector(0, table);
        temp.allowed.or(allowed);
        boolean[] applied = new boolean[AclCategory.all().size()];
        while (true) {
            int best = -1;
            long minDiff = Integer.MAX_VALUE, maxSame = 0;
            for (int j = 0; j < applied.length; j++) {
                if (applied[j]) continue;
                long[] onOff = temp.countCategory(1L << j);
                long diff = additive ? onOff[1] : onOff[0];
                long same = additive ? onOff[0] : onOff[1];
                if (same > diff && (diff < minDiff || (diff == minDiff && same > maxSame))) {
                    best = j;
                    minDiff = diff;
                    maxSame = same;
                }
            }
            if (best == -1) break;
            String cat = AclCategory.all().get(best).aclName();
            String op = (additive ? "+@" : "-@") + cat;
            fake.apply(op);
            temp.apply((additive ? "-@" : "+@") + cat);
            rules.append(op).append(' ');
            applied[best] = true;
        }
        for (CommandDef cmd : table.topLevel()) describeSingle(cmd, fake, rules);
        rules.setLength(rules.length() - 1);
        return rules.toString();
    }

    private void describeSingle(CommandDef cmd, Selector fake, StringBuilder rules) {
        boolean userBit = allowed.get(cmd.id());
        boolean fakeBit = fake.allowed.get(cmd.id());
        if (userBit != fakeBit) {
            rules.append(userBit ? '+' : '-').append(cmd.fullName()).append(' ');
            fake.changePerm(cmd, userBit);
        }
        for (CommandDef sub : cmd.subcommands().values()) describeSingle(sub, fake, rules);
        if (!userBit && firstArgs != null && firstArgs.get(cmd.id()) != null) {
            for (String a : firstArgs.get(cmd.id())) rules.append('+').append(cmd.fullName()).append('|').append(a).append(' ');
        }
    }

    String describeKeys(String separator) {
        if ((flags & ALLKEYS) != 0) return "~*";
        StringBuilder sb = new StringBuilder();
        for (KeyPattern p : keys) {
            if (sb.length() > 0) sb.append(separator);
            sb.append(p.describe());
        }
        return sb.toString();
    }

    String describeChannels() {
        if ((flags & ALLCHANNELS) != 0) return "&*";
        StringBuilder sb = new StringBuilder();
        for (String p : channels) {
            if (sb.length() > 0) sb.append(' ');
            sb.append('&').append(p);
        }
        return sb.toString();
    }

    /** ACLDescribeSelector: the form ACL LIST and the ACL file use. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        if ((flags & ALLKEYS) != 0) {
            sb.append("~* ");
        } else {
            for (KeyPattern p : keys) sb.append(p.describe()).append(' ');
        }
        if ((flags & ALLCHANNELS) != 0) {
            sb.append("&* ");
        } else {
            sb.append("resetchannels ");
            for (String p : channels) sb.append('&').append(p).append(' ');
        }
        sb.append(describeCommands());
        return sb.toString();
    }
}
