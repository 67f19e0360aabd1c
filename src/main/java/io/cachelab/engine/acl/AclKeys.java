package io.cachelab.engine.acl;

import io.cachelab.engine.table.CommandDef;

/**
 * getChannelsFromCommand from Redis's db.c: which arguments of a pub/sub command are channels, and
 * whether they are patterns, published to or subscribed to. (Keys are found by the command table's
 * GetKeys.)
 */
final class AclKeys {
    private AclKeys() {
    }

    static final int CHANNEL_PATTERN = 1, CHANNEL_PUBLISH = 2, CHANNEL_SUBSCRIBE = 4, CHANNEL_UNSUBSCRIBE = 8;

    /** commands_with_channels: how a pub/sub command uses its channel arguments (0: it has none). */
    static int channelFlags(CommandDef cmd) {
        return switch (cmd.fullName()) {
            case "subscribe", "ssubscribe" -> CHANNEL_SUBSCRIBE;
            case "psubscribe" -> CHANNEL_PATTERN | CHANNEL_SUBSCRIBE;
            case "unsubscribe", "sunsubscribe" -> CHANNEL_UNSUBSCRIBE;
            case "punsubscribe" -> CHANNEL_PATTERN | CHANNEL_UNSUBSCRIBE;
            case "publish", "spublish" -> CHANNEL_PUBLISH;
            default -> 0;
        };
    }

    static boolean is(byte[] arg, String word) {
        if (arg.length != word.length()) return false;
        for (int i = 0; i < arg.length; i++) {
            int c = arg[i] >= 'A' && arg[i] <= 'Z' ? arg[i] + 32 : arg[i];
            if (c != Character.toLowerCase(word.charAt(i))) return false;
        }
        return true;
    }
}
