package io.cachelab.engine.table;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One command or subcommand of the table, as Redis's struct redisCommand without the function
 * pointers: what it is (arity, flags, ACL categories, key specs), how it is documented, and its ACL
 * id. Immutable once the table is loaded; the engine binds a handler to it elsewhere, and counts its
 * calls elsewhere too.
 */
public final class CommandDef {
    private final int id;
    private final String name;
    private final String fullName;
    private final CommandDef parent;
    private final int arity;
    private final EnumSet<CommandFlag> flags;
    private final long categories;
    private final List<KeySpec> keySpecs;
    private final String getKeysFunction;
    private final Doc doc;
    private final Map<String, CommandDef> subcommands = new LinkedHashMap<>();
    private int firstKey;
    private int lastKey;
    private int step;

    /** What COMMAND DOCS tells of a command. */
    public record Doc(String summary, String since, String group, String complexity, List<String> docFlags,
                      String deprecatedSince, String replacedBy, List<String[]> history, List<String> tips,
                      List<CommandArg> arguments) {
    }

    CommandDef(int id, String fullName, CommandDef parent, int arity, Set<CommandFlag> flags, long categories,
               List<KeySpec> keySpecs, String getKeysFunction, Doc doc) {
        this.id = id;
        this.fullName = fullName;
        this.name = parent == null ? fullName : fullName.substring(fullName.indexOf('|') + 1);
        this.parent = parent;
        this.arity = arity;
        this.flags = flags.isEmpty() ? EnumSet.noneOf(CommandFlag.class) : EnumSet.copyOf(flags);
        this.categories = categories;
        this.keySpecs = List.copyOf(keySpecs);
        this.getKeysFunction = getKeysFunction;
        this.doc = doc;
        populateLegacyRange();
    }

    public int id() {
        return id;
    }

    /** "get", or "get" for CONFIG GET: the name within its container. */
    public String name() {
        return name;
    }

    /** "get", or "config|get": the name ACL rules, errors and statistics use. */
    public String fullName() {
        return fullName;
    }

    public CommandDef parent() {
        return parent;
    }

    public int arity() {
        return arity;
    }

    public boolean arityOk(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }

    public boolean has(CommandFlag flag) {
        return flags.contains(flag);
    }

    public Set<CommandFlag> flags() {
        return Collections.unmodifiableSet(flags);
    }

    /** ACL category bits ({@link AclCategory#bit()}), the implicit ones included. */
    public long categories() {
        return categories;
    }

    public boolean in(AclCategory category) {
        return (categories & category.bit()) != 0;
    }

    public List<KeySpec> keySpecs() {
        return keySpecs;
    }

    /** The name of Redis's getkeys procedure for this command (sortGetKeys ...), or null. */
    public String getKeysFunction() {
        return getKeysFunction;
    }

    /** doesCommandHaveKeys: a getkeys procedure, or a key spec that names real keys. */
    public boolean hasKeys() {
        if (getKeysFunction != null) return true;
        for (KeySpec s : keySpecs) if (!s.has(KeySpec.NOT_KEY)) return true;
        return false;
    }

    public Doc doc() {
        return doc;
    }

    public Map<String, CommandDef> subcommands() {
        return Collections.unmodifiableMap(subcommands);
    }

    public CommandDef subcommand(String lowerName) {
        return subcommands.get(lowerName);
    }

    void addSubcommand(CommandDef sub) {
        subcommands.put(sub.name, sub);
    }

    /** COMMAND INFO's legacy first key, last key and step, derived from the key specs. */
    public int firstKey() {
        return firstKey;
    }

    public int lastKey() {
        return lastKey;
    }

    public int step() {
        return step;
    }

    /**
     * populateCommandLegacyRangeSpec (server.c): glue consecutive step-1 range specs into one legacy
     * range, and mark the command movablekeys when its specs cannot be glued or are incomplete.
     */
    private void populateLegacyRange() {
        if (keySpecs.isEmpty()) return;
        if (keySpecs.size() == 1 && keySpecs.get(0).begin() == 'i' && keySpecs.get(0).find() == 'r') {
            KeySpec s = keySpecs.get(0);
            setLegacy(s.index(), s.a(), s.b());
            if (s.has(KeySpec.INCOMPLETE)) flags.add(CommandFlag.MOVABLE_KEYS);
            return;
        }
        int first = Integer.MAX_VALUE;
        int last = 0;
        int prevLast = 0;
        for (KeySpec s : keySpecs) {
            if (s.begin() != 'i' || s.find() != 'r' || s.b() != 1 || (prevLast != 0 && prevLast != s.index() - 1)) {
                flags.add(CommandFlag.MOVABLE_KEYS);
                continue;
            }
            if (s.has(KeySpec.INCOMPLETE)) flags.add(CommandFlag.MOVABLE_KEYS);
            first = Math.min(first, s.index());
            int abs = s.a() >= 0 ? s.a() + s.index() : s.a();
            // Redis compares lastkey unsigned, so one counted from the end (negative) wins
            if (Integer.compareUnsigned(abs, last) > 0) last = abs;
            prevLast = last;
        }
        if (first == Integer.MAX_VALUE) {
            flags.add(CommandFlag.MOVABLE_KEYS);
            return;
        }
        setLegacy(first, last < 0 ? last : last - first, 1);
    }

    private void setLegacy(int pos, int relativeLast, int keyStep) {
        firstKey = pos;
        lastKey = relativeLast >= 0 ? pos + relativeLast : relativeLast;
        step = keyStep;
    }
}
