package io.cachelab.engine.script;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A Lua table that can be locked. Redis 7 patches its Lua with read-only tables and locks the
 * globals, every library table and their metatables, so a script cannot leak state into the next
 * one (or replace redis.call). luaj has no such flag, so every mutating entry point of LuaTable is
 * guarded here; {@link ScriptGlobals} does the same for the globals table.
 */
class ReadOnlyTable extends LuaTable {
    static final String READONLY_ERROR = "Attempt to modify a readonly table";

    private boolean readonly;

    void lock() {
        readonly = true;
    }

    /** Reopens a table during start-up (before any script ran) to attach a metatable. */
    void unlockForSetup() {
        readonly = false;
    }


    static void check(boolean readonly) {
        if (readonly) {
            throw new LuaError(READONLY_ERROR);
        }
    }

    @Override
    public void rawset(int key, LuaValue value) {
        check(readonly);
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        check(readonly);
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        check(readonly);
        return super.setmetatable(metatable);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        check(readonly);
        super.insert(pos, value);
    }

    @Override
    public LuaValue remove(int pos) {
        check(readonly);
        return super.remove(pos);
    }

    @Override
    public void sort(LuaValue comparator) {
        check(readonly);
        super.sort(comparator);
    }

    /** A locked copy of {@code source}'s entries. */
    static ReadOnlyTable frozenCopy(LuaTable source) {
        ReadOnlyTable t = new ReadOnlyTable();
        LuaValue k = LuaValue.NIL;
        while (true) {
            var next = source.next(k);
            if ((k = next.arg1()).isnil()) {
                break;
            }
            t.rawset(k, next.arg(2));
        }
        t.lock();
        return t;
    }
}
