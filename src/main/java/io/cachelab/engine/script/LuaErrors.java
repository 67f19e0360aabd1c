package io.cachelab.engine.script;

import java.lang.reflect.Field;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * Reads what luaj knows about an error. luaj keeps the position ("user_script:3") apart from the
 * message and, because our instruction hook is installed as its debug library, appends a traceback
 * to the message; Redis shows neither shape. The fields are protected with no accessors, so this
 * reads them reflectively (once-resolved Field objects; errors are not a hot path).
 */
final class LuaErrors {
    private static final Field FILELINE = field("fileline");
    private static final Field TRACEBACK = field("traceback");
    private static final Field LEVEL = field("level");

    private LuaErrors() {
    }

    private static Field field(String name) {
        try {
            Field f = LuaError.class.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("luaj LuaError layout changed", e);
        }
    }

    /** "user_script:3" style position of the innermost Lua frame the error crossed, or null. */
    static String fileline(LuaError e) {
        try {
            String s = (String) FILELINE.get(e);
            if (s != null && (s.startsWith("@") || s.startsWith("="))) {
                s = s.substring(1);
            }
            return s;
        } catch (IllegalAccessException ex) {
            return null;
        }
    }

    static int level(LuaError e) {
        try {
            return LEVEL.getInt(e);
        } catch (IllegalAccessException ex) {
            return 1;
        }
    }

    /** The error value itself: the object given to error(), or the bare message string. */
    static LuaValue value(LuaError e) {
        try {
            Object fileline = FILELINE.get(e);
            Object traceback = TRACEBACK.get(e);
            FILELINE.set(e, null);
            TRACEBACK.set(e, null);
            try {
                LuaValue v = e.getMessageObject();
                return v == null ? LuaValue.NIL : v;
            } finally {
                FILELINE.set(e, fileline);
                TRACEBACK.set(e, traceback);
            }
        } catch (IllegalAccessException ex) {
            return LuaString.valueOf(String.valueOf(e.getMessage()));
        }
    }

    private static final java.util.regex.Pattern ARITH =
            java.util.regex.Pattern.compile("^attempt to perform arithmetic (?:\\w+ )?on (\\w+)$");
    private static final java.util.regex.Pattern CONCAT =
            java.util.regex.Pattern.compile("^attempt to concatenate (\\w+) and (\\w+)$");
    private static final java.util.regex.Pattern NAMELESS =
            java.util.regex.Pattern.compile("^attempt to (index|call) \\? \\(a (\\w+) value\\)$");
    private static final java.util.regex.Pattern CALL =
            java.util.regex.Pattern.compile("^attempt to call (nil|boolean|number|string|table)$");
    private static final java.util.regex.Pattern COMPARE =
            java.util.regex.Pattern.compile("^attempt to compare (\\w+) with (\\w+)$");
    private static final java.util.regex.Pattern COMPARE_EXPECTED =
            java.util.regex.Pattern.compile("^attempt to compare (\\w+) with (\\w+) expected, got \\w+$");
    private static final java.util.regex.Pattern COMPARE_META =
            java.util.regex.Pattern.compile("^attempt to compare __l[te] on (\\w+) and (\\w+)$");
    private static final java.util.regex.Pattern LENGTH =
            java.util.regex.Pattern.compile("^attempt to get length of (\\w+)$");
    private static final java.util.regex.Pattern UNEXPECTED =
            java.util.regex.Pattern.compile("unexpected symbol \\d+ \\((.+)\\)$");

    /**
     * luaj words some runtime errors differently from Lua 5.1; the common ones are reworded so the
     * replies match Redis ("attempt to perform arithmetic on a nil value").
     */
    static String runtimeMessage(String msg) {
        java.util.regex.Matcher m = ARITH.matcher(msg);
        if (m.matches()) {
            return "attempt to perform arithmetic on a " + m.group(1) + " value";
        }
        m = CONCAT.matcher(msg);
        if (m.matches()) {
            String bad = isConcatenable(m.group(1)) ? m.group(2) : m.group(1);
            return "attempt to concatenate a " + bad + " value";
        }
        m = NAMELESS.matcher(msg);
        if (m.matches()) {
            return "attempt to " + m.group(1) + " a " + m.group(2) + " value";
        }
        m = CALL.matcher(msg);
        if (m.matches()) {
            return "attempt to call a " + m.group(1) + " value";
        }
        m = COMPARE_EXPECTED.matcher(msg);
        if (m.matches()) {
            return compare(m.group(2), m.group(1));
        }
        m = COMPARE_META.matcher(msg);
        if (m.matches()) {
            return compare(m.group(1), m.group(2));
        }
        m = COMPARE.matcher(msg);
        if (m.matches()) {
            return compare(m.group(1), m.group(2));
        }
        m = LENGTH.matcher(msg);
        if (m.matches()) {
            return "attempt to get length of a " + m.group(1) + " value";
        }
        return msg;
    }

    private static String compare(String left, String right) {
        return left.equals(right) ? "attempt to compare two " + left + " values"
                : "attempt to compare " + left + " with " + right;
    }

    private static boolean isConcatenable(String type) {
        return type.equals("string") || type.equals("number");
    }

    /** Compile errors in Lua 5.1's words where luaj's differ. */
    static String compileMessage(String msg) {
        java.util.regex.Matcher m = UNEXPECTED.matcher(msg);
        if (m.find()) {
            return msg.substring(0, m.start()) + "unexpected symbol near '" + m.group(1) + "'";
        }
        return msg;
    }

    /**
     * The value a Lua-level handler (pcall, xpcall) sees: a string message gets the
     * "user_script:3: " prefix as Lua 5.1 would add it.
     */
    static LuaValue handlerValue(LuaError e) {
        LuaValue v = value(e);
        if (v.type() == LuaValue.TSTRING) {
            String text = v.tojstring();
            String fixed = runtimeMessage(text);
            if (!fixed.equals(text)) {
                v = LuaString.valueOf(fixed);
            }
        }
        if (v.type() == LuaValue.TSTRING) {
            String where = fileline(e);
            if (where != null && level(e) > 0) {
                byte[] prefix = (where + ": ").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                LuaString msg = v.strvalue();
                byte[] all = new byte[prefix.length + msg.m_length];
                System.arraycopy(prefix, 0, all, 0, prefix.length);
                System.arraycopy(msg.m_bytes, msg.m_offset, all, prefix.length, msg.m_length);
                return LuaString.valueOf(all);
            }
        }
        return v;
    }
}
