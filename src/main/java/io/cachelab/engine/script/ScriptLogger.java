package io.cachelab.engine.script;

/** Where redis.log lines go; levels are Redis's (0 debug, 1 verbose, 2 notice, 3 warning). */
public interface ScriptLogger {
    void log(int level, byte[] message);
}
