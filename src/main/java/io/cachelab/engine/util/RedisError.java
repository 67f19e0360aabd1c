package io.cachelab.engine.util;

/**
 * An error reply raised by a command. Thrown rather than returned so handlers stay linear; the
 * dispatcher turns it into "-<message>\r\n". No stack trace: errors are part of normal traffic.
 */
public final class RedisError extends RuntimeException {
    public static final RedisError WRONGTYPE =
            new RedisError("WRONGTYPE Operation against a key holding the wrong kind of value");
    public static final RedisError SYNTAX = new RedisError("ERR syntax error");
    public static final RedisError NOT_INTEGER = new RedisError("ERR value is not an integer or out of range");
    public static final RedisError NOT_FLOAT = new RedisError("ERR value is not a valid float");
    public static final RedisError NO_SUCH_KEY = new RedisError("ERR no such key");
    public static final RedisError OUT_OF_RANGE = new RedisError("ERR index out of range");
    public static final RedisError OVERFLOW = new RedisError("ERR increment or decrement would overflow");

    public RedisError(String message) {
        super(message, null, false, false);
    }

    public static RedisError wrongArgs(String commandName) {
        return new RedisError("ERR wrong number of arguments for '" + commandName + "' command");
    }

    public static RedisError unknownSubcommand(String sub, String command) {
        return new RedisError("ERR unknown subcommand '" + abbreviate(sub) + "'. Try " + command.toUpperCase() + " HELP.");
    }

    static String abbreviate(String s) {
        return s.length() > 128 ? s.substring(0, 128) : s;
    }
}
