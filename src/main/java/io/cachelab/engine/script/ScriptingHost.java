package io.cachelab.engine.script;

import io.cachelab.engine.acl.Acl;
import io.cachelab.engine.config.EngineConfig;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.dispatch.Dispatcher;
import io.cachelab.engine.info.Stats;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.net.EventLoop;

/**
 * What scripting (eval.c, script.c, function.c) asks of the server: the command table and the
 * dispatcher a script's redis.call goes through, ACL, and the checks a script's writes face
 * (memory, good replicas); it reports a script running past its time limit (BUSY).
 */
public interface ScriptingHost {
    EngineConfig config();

    Stats stats();

    Acl acl();

    Commands commands();

    Dispatcher dispatcher();

    EventLoop eventLoop();

    String oomCheck(CommandSpec spec, Client c);

    boolean tooFewGoodReplicas();

    /** A client with no connection (createClient(NULL)): the one scripts call commands through. */
    Client fakeClient();

    /** A script ran past its time limit (c) or finished (null); kind is "script" or "function". */
    void setBusyScript(Client c, String kind);
}
