package io.cachelab.engine.table;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A command's CMD_* flags from Redis's server.h, in the order COMMAND INFO lists them
 * (addReplyFlagsForCommand). Some exist only for the server's own use and are hidden from the reply,
 * as Redis hides them.
 */
public enum CommandFlag {
    WRITE("write"), READONLY("readonly"), DENYOOM("denyoom"), MODULE("module"), ADMIN("admin"), PUBSUB("pubsub"),
    NOSCRIPT("noscript"), BLOCKING("blocking"), LOADING("loading"), STALE("stale"), SKIP_MONITOR("skip_monitor"),
    SKIP_SLOWLOG("skip_slowlog"), ASKING("asking"), FAST("fast"), NO_AUTH("no_auth"), MAY_REPLICATE(null),
    SENTINEL(null), ONLY_SENTINEL(null), NO_MANDATORY_KEYS("no_mandatory_keys"), PROTECTED(null),
    NO_ASYNC_LOADING("no_async_loading"), NO_MULTI("no_multi"), MOVABLE_KEYS("movablekeys"),
    ALLOW_BUSY("allow_busy"), TOUCHES_ARBITRARY_KEYS(null);

    private final String replyName;

    CommandFlag(String replyName) {
        this.replyName = replyName;
    }

    /** The name COMMAND INFO shows, or null for a flag Redis keeps hidden. */
    public String replyName() {
        return replyName;
    }

    /** Parses the JSON's names ("no_mandatory_keys"), as the generated table spells them. */
    static Set<CommandFlag> parse(String commaSeparated) {
        EnumSet<CommandFlag> out = EnumSet.noneOf(CommandFlag.class);
        if (commaSeparated.isEmpty()) return out;
        for (String f : commaSeparated.split(",")) out.add(valueOf(f.toUpperCase(Locale.ROOT)));
        return out;
    }
}
