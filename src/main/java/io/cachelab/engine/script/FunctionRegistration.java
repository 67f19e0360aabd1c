package io.cachelab.engine.script;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * What a library's FUNCTION LOAD registers, as function_lua.c's luaRegisterFunction: the function's
 * name, callback, flags and description, read from redis.register_function's arguments.
 */
final class FunctionRegistration {
    /** The flags a function may declare (in the order FUNCTION LIST shows them). */
    static final List<String> KNOWN_FLAGS = List.of("no-writes", "allow-oom", "allow-stale", "no-cluster",
            "allow-cross-slot-keys");

    /** A function a library registered: name, callback and the flags Redis knows. */
    public record RegisteredFunction(String name, LuaFunction callback, Set<String> flags, String description) {
    }

    private FunctionRegistration() {
    }

    /**
     * luaRegisterFunction's argument parsing: redis.register_function(name, callback) or
     * redis.register_function{function_name=..., callback=..., flags={...}, description=...}, checked
     * against the functions the library registered so far ({@code already}), with Redis's errors.
     */
    static RegisteredFunction parse(Varargs a, List<RegisteredFunction> already) {
        int argc = a.narg();
        if (argc < 1 || argc > 2) {
            throw error("wrong number of arguments to redis.register_function");
        }
        Named f = new Named();
        if (argc == 1) {
            if (!a.arg1().istable()) {
                throw error("calling redis.register_function with a single argument is "
                        + "only applicable to Lua table (representing named arguments).");
            }
            readNamed((LuaTable) a.arg1(), f);
        } else {
            if (a.arg1().type() != LuaValue.TSTRING) {
                throw error("first argument to redis.register_function must be a string");
            }
            if (!a.arg(2).isfunction()) {
                throw error("second argument to redis.register_function must be a function");
            }
            f.name = a.arg1().tojstring();
            f.callback = a.arg(2);
        }
        if (!validFunctionName(f.name)) {
            // Redis 7.0 reuses the library-name text for a bad function name
            throw error("Library names can only contain letters, numbers, or "
                    + "underscores(_) and must be at least one character long");
        }
        for (RegisteredFunction r : already) {
            if (r.name().equalsIgnoreCase(f.name)) {
                throw error("Function already exists in the library");
            }
        }
        return new RegisteredFunction(f.name, (LuaFunction) f.callback, Set.copyOf(f.flags), f.description);
    }

    /** What the arguments name, while they are read. */
    private static final class Named {
        String name;
        LuaValue callback;
        final Set<String> flags = new LinkedHashSet<>();
        String description;
    }

    private static LuaError error(String message) {
        return new LuaError(LuaReplies.errorTable(message));
    }

    /** The named-arguments form: {function_name=..., callback=..., flags={...}, description=...}. */
    private static void readNamed(LuaTable t, Named f) {
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            LuaValue v = n.arg(2);
            if (!k.isstring()) {
                throw error("named argument key given to redis.register_function is not a string");
            }
            switch (LuaFn.toLuaString(k).tojstring()) {
                case "function_name" -> {
                    if (v.type() != LuaValue.TSTRING) {
                        throw error("function_name argument given to redis.register_function must be a string");
                    }
                    f.name = v.tojstring();
                }
                case "description" -> {
                    if (v.type() != LuaValue.TSTRING) {
                        throw error("description argument given to redis.register_function must be a string");
                    }
                    f.description = v.tojstring();
                }
                case "callback" -> {
                    if (!v.isfunction()) {
                        throw error("callback argument given to redis.register_function must be a function");
                    }
                    f.callback = v;
                }
                case "flags" -> readFlags(v, f.flags);
                default -> throw error("unknown argument given to redis.register_function");
            }
        }
        if (f.name == null) {
            throw error("redis.register_function must get a function name argument");
        }
        if (f.callback == null) {
            throw error("redis.register_function must get a callback argument");
        }
    }

    private static void readFlags(LuaValue v, Set<String> flags) {
        if (!v.istable()) {
            throw error("flags argument to redis.register_function must be a table representing function flags");
        }
        for (int i = 1; !v.rawget(i).isnil(); i++) {
            LuaValue f = v.rawget(i);
            if (f.type() != LuaValue.TSTRING || !KNOWN_FLAGS.contains(f.tojstring())) {
                throw error("unknown flag given");
            }
            flags.add(f.tojstring());
        }
    }

    /** Letters, digits and underscores, at least one: Redis's rule for function and library names. */
    public static boolean validFunctionName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }
}
