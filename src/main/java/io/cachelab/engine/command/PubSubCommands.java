package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.info.Stats;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Trait;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.pubsub.PubSub;
import io.cachelab.engine.util.Bytes;

import java.util.List;

/** Pub/sub commands (pubsub.c): (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB. */
final class PubSubCommands {
    private PubSubCommands() {
    }

    /**
     * publishCommand/spublishCommand: local subscribers, then the cluster bus in cluster mode or the
     * replication stream otherwise (replicas' subscribers hear it too).
     */
    private static void publish(Client c, byte[][] a, boolean shard) {
        Bytes channel = new Bytes(a[1]);
        Bytes message = new Bytes(a[2]);
        long n = shard ? server(c).pubsub().publishShard(channel, message) : server(c).pubsub().publish(channel, message);
        if (server(c).cluster() != null) server(c).cluster().propagatePublish(channel, message, shard);
        else server(c).propagation().forceToReplicas();
        if (!shard) server(c).stats().increment(Stats.Counter.PUBSUB_CHANNELS_PUBLISHED);
        c.addInteger(n);
    }

    static void register(Commands t) {
        t.bind("subscribe", (c, a) -> sub(c, a, PubSub.Kind.CHANNEL), Trait.SUBSCRIBED_CONTEXT, Trait.PUSHES_REPLY);
        t.bind("psubscribe", (c, a) -> sub(c, a, PubSub.Kind.PATTERN), Trait.SUBSCRIBED_CONTEXT, Trait.PUSHES_REPLY);
        t.bind("ssubscribe", (c, a) -> sub(c, a, PubSub.Kind.SHARD), Trait.SUBSCRIBED_CONTEXT, Trait.PUSHES_REPLY);
        t.bind("unsubscribe", (c, a) -> unsub(c, a, PubSub.Kind.CHANNEL), Trait.SUBSCRIBED_CONTEXT, Trait.PUSHES_REPLY);
        t.bind("punsubscribe", (c, a) -> unsub(c, a, PubSub.Kind.PATTERN), Trait.SUBSCRIBED_CONTEXT, Trait.PUSHES_REPLY);
        t.bind("sunsubscribe", (c, a) -> unsub(c, a, PubSub.Kind.SHARD), Trait.SUBSCRIBED_CONTEXT, Trait.PUSHES_REPLY);
        t.bind("publish", (c, a) -> publish(c, a, false));
        t.bind("spublish", (c, a) -> publish(c, a, true));
        CommandSpec pubsub = t.container("pubsub");
        pubsub.sub("channels", (c, a) -> channels(c, a, PubSub.Kind.CHANNEL));
        pubsub.sub("shardchannels", (c, a) -> channels(c, a, PubSub.Kind.SHARD));
        pubsub.sub("numsub", (c, a) -> numsub(c, a, PubSub.Kind.CHANNEL));
        pubsub.sub("shardnumsub", (c, a) -> numsub(c, a, PubSub.Kind.SHARD));
        pubsub.sub("numpat", (c, a) -> c.addInteger(server(c).pubsub().patternCount()));
        pubsub.sub("help", (c, a) -> {
            String[] lines = {"CHANNELS [<pattern>]", "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT", "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]", "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]", "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]", "    Return the number of subscribers for the specified shard level channel(s)"};
            c.addHelp("PUBSUB", lines);
        });
    }

    private static void sub(Client c, byte[][] a, PubSub.Kind kind) {
        for (int i = 1; i < a.length; i++) server(c).pubsub().subscribe(c, kind, new Bytes(a[i]));
    }

    private static void unsub(Client c, byte[][] a, PubSub.Kind kind) {
        if (a.length == 1) {
            server(c).pubsub().unsubscribeAll(c, kind, true);
            return;
        }
        for (int i = 1; i < a.length; i++) server(c).pubsub().unsubscribe(c, kind, new Bytes(a[i]), true);
    }

    private static void channels(Client c, byte[][] a, PubSub.Kind kind) {
        if (a.length > 3) throw RedisError.wrongArgs("pubsub|" + Args.lower(a[1]));
        List<Bytes> chans = server(c).pubsub().channels(kind, a.length == 3 ? a[2] : null);
        c.addArrayLen(chans.size());
        for (Bytes ch : chans) c.addBulk(ch);
    }

    private static void numsub(Client c, byte[][] a, PubSub.Kind kind) {
        c.addArrayLen((a.length - 2) * 2L);
        for (int i = 2; i < a.length; i++) {
            c.addBulk(a[i]);
            c.addInteger(server(c).pubsub().subscribers(kind, new Bytes(a[i])));
        }
    }
}
