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
            throw new LuaError(LuaReplies.errorTable("wrong number of arguments to redis.register_function"));
        }
        String name = null;
        LuaValue callback = null;
        Set<String> flags = new LinkedHashSet<>();
        String description = null;
        if (argc == 1) {
            if (!a.arg1().istable()) {
                throw new LuaError(LuaReplies.errorTable("calling redis.register_function with a single argument is "
                        + "only applicable to Lua table (representing named arguments)."));
            }
            LuaTable t = (LuaTable) a.arg1();
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs n = t.next(k);
                if ((k = n.arg1()).isnil()) {
                    break;
                }
                LuaValue v = n.arg(2);
                if (!k.isstring()) {
                    throw new LuaError(LuaReplies.errorTable("named argument key given to redis.register_function "
                            + "is not a string"));
                }
                switch (LuaFn.toLuaString(k).tojstring()) {
                    case "function_name" -> {
                        if (v.type() != LuaValue.TSTRING) {
                            throw new LuaError(LuaReplies.errorTable(
                                    "function_name argument given to redis.register_function must be a string"));
                        }
                        name = v.tojstring();
                    }
                    case "description" -> {
                        if (v.type() != LuaValue.TSTRING) {
                            throw new LuaError(LuaReplies.errorTable(
                                    "description argument given to redis.register_function must be a string"));
                        }
                        description = v.tojstring();
                    }
                    case "callback" -> {
                        if (!v.isfunction()) {
                            throw new LuaError(LuaReplies.errorTable(
                                    "callback argument given to redis.register_function must be a function"));
                        }
                        callback = v;
                    }
                    case "flags" -> {
                        if (!v.istable()) {
                            throw new LuaError(LuaReplies.errorTable(
                                    "flags argument to redis.register_function must be a table representing "
                                            + "function flags"));
                        }
                        for (int i = 1; !v.rawget(i).isnil(); i++) {
                            LuaValue f = v.rawget(i);
                            if (f.type() != LuaValue.TSTRING || !KNOWN_FLAGS.contains(f.tojstring())) {
                                throw new LuaError(LuaReplies.errorTable("unknown flag given"));
                            }
                            flags.add(f.tojstring());
                        }
                    }
                    default -> throw new LuaError(LuaReplies.errorTable(
                            "unknown argument given to redis.register_function"));
                }
            }
            if (name == null) {
                throw new LuaError(LuaReplies.errorTable("redis.register_function must get a function name argument"));
            }
            if (callback == null) {
                throw new LuaError(LuaReplies.errorTable("redis.register_function must get a callback argument"));
            }
        } else {
            if (a.arg1().type() != LuaValue.TSTRING) {
                throw new LuaError(LuaReplies.errorTable("first argument to redis.register_function must be a string"));
            }
            if (!a.arg(2).isfunction()) {
                throw new LuaError(LuaReplies.errorTable(
                        "second argument to redis.register_function must be a function"));
            }
            name = a.arg1().tojstring();
            callback = a.arg(2);
        }
        if (!validFunctionName(name)) {
            // Redis 7.0 reuses the library-name text for a bad function name
            throw new LuaError(LuaReplies.errorTable("Library names can only contain letters, numbers, or "
                    + "underscores(_) and must be at least one character long"));
        }
        for (RegisteredFunction f : already) {
            if (f.name().equalsIgnoreCase(name)) {
                throw new LuaError(LuaReplies.errorTable("Function already exists in the library"));
            }
        }
        return new RegisteredFunction(name, (LuaFunction) callback, Set.copyOf(flags), description);
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
