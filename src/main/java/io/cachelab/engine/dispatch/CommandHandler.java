package io.cachelab.engine.dispatch;

import io.cachelab.engine.net.Client;

/** Runs one command: reads argv (argv[0] is the name), writes the reply to the client. */
@FunctionalInterface
public interface CommandHandler {
    void execute(Client c, byte[][] argv);
}
