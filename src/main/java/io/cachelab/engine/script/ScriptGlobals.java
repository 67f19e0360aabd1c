package io.cachelab.engine.script;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;

/**
 * The scripts' global table. It must be a luaj {@link Globals}: luaj only runs its instruction hook
 * (our time limit) and error hooks for closures whose environment is a Globals. Like Redis 7 it is
 * locked after start-up; reading a missing name raises Redis's "nonexistent global variable" error
 * through the metatable, writing raises "Attempt to modify a readonly table".
 */
final class ScriptGlobals extends Globals {
    private boolean readonly;

    void lock() {
        readonly = true;
    }

    void unlock() {
        readonly = false;
    }

    @Override
    public void rawset(int key, LuaValue value) {
        ReadOnlyTable.check(readonly);
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        ReadOnlyTable.check(readonly);
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        ReadOnlyTable.check(readonly);
        return super.setmetatable(metatable);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        ReadOnlyTable.check(readonly);
        super.insert(pos, value);
    }

    @Override
    public LuaValue remove(int pos) {
        ReadOnlyTable.check(readonly);
        return super.remove(pos);
    }

    @Override
    public void sort(LuaValue comparator) {
        ReadOnlyTable.check(readonly);
        super.sort(comparator);
    }
}
