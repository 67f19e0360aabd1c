package io.cachelab.engine.script;

import io.cachelab.engine.net.RequestParser;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.util.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The FUNCTION libraries (Redis's functions.c): library metadata parsed from the "#!lua name=..."
 * line, the function namespace shared by all libraries, and the load/replace/delete/restore rules
 * with their error texts. Code runs in a dedicated function interpreter, separate from EVAL's.
 */
public final class FunctionLibraries {
    private final Scripting scripting;
    private ScriptRuntime runtime = newRuntime();
    private final Map<String, Library> libraries = new LinkedHashMap<>();
    private final Map<String, Function> functions = new HashMap<>();

    /** A loaded library: its name, full code (with the shebang line) and functions in order. */
    public record Library(String name, byte[] code, List<Function> functions) {
    }

    public record Function(Library library, FunctionRegistration.RegisteredFunction def) {
    }

    FunctionLibraries(Scripting scripting) {
        this.scripting = scripting;
    }

    private ScriptRuntime newRuntime() {
        return ScriptRuntime.forFunctions((level, msg) -> scripting.log(level, msg));
    }

    ScriptRuntime runtime() {
        return runtime;
    }

    /** Function names are case-insensitive in Redis (FCALL TEST finds 'test'). */
    Function function(String name) {
        return functions.get(key(name));
    }

    private static String key(String name) {
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    public int libraryCount() {
        return libraries.size();
    }

    public int functionCount() {
        return functions.size();
    }

    /** Bytes of library code (INFO used_memory_functions). */
    public long codeBytes() {
        long n = 0;
        for (Library l : libraries.values()) {
            n += l.code().length;
        }
        return n;
    }

    /** Every library's code in load order: what an RDB file stores as function records. */
    public List<byte[]> libraryCodes() {
        List<byte[]> codes = new ArrayList<>();
        for (Library l : libraries.values()) {
            codes.add(l.code());
        }
        return codes;
    }

    /** A library from an RDB file: an existing one of the same name is an error unless the load may replace (MERGE). */
    public String loadFromRdb(byte[] code, boolean allowDuplicates) {
        return load(code, allowDuplicates);
    }

    /** FUNCTION LOAD [REPLACE]: returns the library name. */
    public String load(byte[] code, boolean replace) {
        Library lib = compile(code, replace ? null : libraries.keySet());
        Library old = libraries.get(lib.name());
        for (Function f : lib.functions()) {
            Function clash = functions.get(key(f.def().name()));
            if (clash != null && (old == null || clash.library() != old)) {
                throw new RedisError("ERR Function " + f.def().name() + " already exists");
            }
        }
        if (old != null) {
            remove(old);
        }
        add(lib);
        return lib.name();
    }

    private void add(Library lib) {
        libraries.put(lib.name(), lib);
        for (Function f : lib.functions()) {
            functions.put(key(f.def().name()), f);
        }
    }

    private void remove(Library lib) {
        libraries.remove(lib.name());
        for (Function f : lib.functions()) {
            functions.remove(key(f.def().name()));
        }
    }

    /** Parses the metadata and runs the code; {@code taken} (if not null) are names that must not be reused. */
    private Library compile(byte[] code, java.util.Set<String> taken) {
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            throw new RedisError("ERR Missing library metadata");
        }
        int nl = -1;
        for (int i = 0; i < code.length; i++) {
            if (code[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            throw new RedisError("ERR Invalid library metadata");
        }
        // the shebang line is split as sdssplitargs does (quotes allowed: name="foo")
        List<String> split = RequestParser.splitArgsPublic(code, 0, nl);
        if (split == null || split.isEmpty()) {
            throw new RedisError("ERR Invalid library metadata");
        }
        String[] parts = split.toArray(new String[0]);
        parts[0] = parts[0].length() >= 2 ? parts[0].substring(2) : "";
        String engine = parts.length > 0 ? parts[0] : "";
        if (!engine.equalsIgnoreCase("lua")) {
            throw new RedisError("ERR Engine '" + engine + "' not found");
        }
        String name = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (p.startsWith("name=")) {
                if (name != null) {
                    throw new RedisError("ERR Invalid metadata value, name argument was given multiple times");
                }
                name = p.substring(5);
            } else if (!p.isEmpty()) {
                throw new RedisError("ERR Invalid metadata value given: " + p);
            }
        }
        if (name == null) {
            throw new RedisError("ERR Library name was not given");
        }
        if (!FunctionRegistration.validFunctionName(name)) {
            throw new RedisError("ERR Library names can only contain letters, numbers, or underscores(_) and must be "
                    + "at least one character long");
        }
        if (taken != null && taken.contains(name)) {
            throw new RedisError("ERR Library '" + name + "' already exists");
        }
        List<FunctionRegistration.RegisteredFunction> defs;
        try {
            defs = runtime.loadLibrary(java.util.Arrays.copyOfRange(code, nl, code.length), 500);
        } catch (ScriptRuntime.ScriptException e) {
            throw new RedisError("ERR " + e.getMessage());
        }
        List<Function> fs = new ArrayList<>();
        Library lib = new Library(name, code, fs);
        for (FunctionRegistration.RegisteredFunction d : defs) {
            fs.add(new Function(lib, d));
        }
        return lib;
    }

    public void delete(String name) {
        Library lib = libraries.get(name);
        if (lib == null) {
            throw new RedisError("ERR Library not found");
        }
        remove(lib);
    }

    public void flush() {
        libraries.clear();
        functions.clear();
        runtime = newRuntime();
    }

    public byte[] dump() {
        List<byte[]> codes = new ArrayList<>();
        for (Library l : libraries.values()) {
            codes.add(l.code());
        }
        return FunctionDump.dump(codes);
    }

    /** FUNCTION RESTORE with policy FLUSH, APPEND or REPLACE; all or nothing. */
    public void restore(byte[] payload, String policy) {
        List<byte[]> codes;
        try {
            codes = FunctionDump.parse(payload);
        } catch (FunctionDump.BadPayload e) {
            throw new RedisError("ERR " + e.getMessage());
        }
        Map<String, Library> oldLibraries = new LinkedHashMap<>(libraries);
        Map<String, Function> oldFunctions = new HashMap<>(functions);
        try {
            if (policy.equals("flush")) {
                libraries.clear();
                functions.clear();
            }
            List<Library> loaded = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (byte[] code : codes) {
                Library lib = compile(code, null);
                if (!seen.add(lib.name())) {
                    throw new RedisError("ERR Library " + lib.name() + " already exists");
                }
                loaded.add(lib);
            }
            for (Library lib : loaded) {
                Library existing = libraries.get(lib.name());
                if (existing != null) {
                    if (policy.equals("append")) {
                        throw new RedisError("ERR Library " + lib.name() + " already exists");
                    }
                    remove(existing);
                }
            }
            for (Library lib : loaded) {
                for (Function f : lib.functions()) {
                    if (functions.containsKey(key(f.def().name()))) {
                        throw new RedisError("ERR Function " + f.def().name() + " already exists");
                    }
                }
                add(lib);
            }
        } catch (RedisError e) {
            libraries.clear();
            libraries.putAll(oldLibraries);
            functions.clear();
            functions.putAll(oldFunctions);
            throw e;
        }
    }

    /** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]. */
    public void list(Client c, byte[] pattern, boolean withCode) {
        List<Library> selected = new ArrayList<>();
        for (Library l : libraries.values()) {
            if (pattern == null || Glob.matches(pattern, l.name().getBytes(StandardCharsets.ISO_8859_1), false)) {
                selected.add(l);
            }
        }
        c.addArrayLen(selected.size());
        for (Library l : selected) {
            c.addMapLen(withCode ? 4 : 3);
            c.addBulk("library_name");
            c.addBulk(l.name());
            c.addBulk("engine");
            c.addBulk("LUA");
            c.addBulk("functions");
            c.addArrayLen(l.functions().size());
            for (Function f : l.functions()) {
                c.addMapLen(3);
                c.addBulk("name");
                c.addBulk(f.def().name());
                c.addBulk("description");
                if (f.def().description() == null) {
                    c.addNull();
                } else {
                    c.addBulk(f.def().description());
                }
                c.addBulk("flags");
                List<String> flags = new ArrayList<>();
                for (String known : FunctionRegistration.KNOWN_FLAGS) {
                    if (f.def().flags().contains(known)) {
                        flags.add(known);
                    }
                }
                c.addSetLen(flags.size());
                for (String fl : flags) {
                    c.addSimple(fl);
                }
            }
            if (withCode) {
                c.addBulk("library_code");
                c.addBulk(l.code());
            }
        }
    }

    /** FUNCTION STATS. */
    public void stats(Client c) {
        c.addMapLen(2);
        c.addBulk("running_script");
        Scripting.Running r = scripting.runningFunction();
        if (r == null) {
            c.addNull();
        } else {
            c.addMapLen(3);
            c.addBulk("name");
            c.addBulk(r.run.name());
            c.addBulk("command");
            c.addArrayLen(r.argv.length);
            for (byte[] a : r.argv) {
                c.addBulk(a);
            }
            c.addBulk("duration_ms");
            c.addInteger(r.run.elapsedMillis());
        }
        c.addBulk("engines");
        c.addMapLen(1);
        c.addBulk("LUA");
        c.addMapLen(2);
        c.addBulk("libraries_count");
        c.addInteger(libraries.size());
        c.addBulk("functions_count");
        c.addInteger(functions.size());
    }
}
