package io.cachelab.engine.command;

import io.cachelab.engine.net.Client;
import io.cachelab.engine.pubsub.PubSub;
import io.cachelab.engine.util.Bytes;

import java.util.List;

/** Pub/sub commands (pubsub.c): (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB. */
final class PubSubCommands {
    private PubSubCommands() {
    }

    static void register(CommandTable t) {
        t.add("subscribe", -2, "pubsub noscript loading stale", 0, 0, 0, (c, a) -> sub(c, a, PubSub.Kind.CHANNEL)).group("pubsub");
        t.add("psubscribe", -2, "pubsub noscript loading stale", 0, 0, 0, (c, a) -> sub(c, a, PubSub.Kind.PATTERN)).group("pubsub");
        t.add("ssubscribe", -2, "pubsub noscript loading stale", 1, -1, 1, (c, a) -> sub(c, a, PubSub.Kind.SHARD)).group("pubsub");
        t.add("unsubscribe", -1, "pubsub noscript loading stale", 0, 0, 0, (c, a) -> unsub(c, a, PubSub.Kind.CHANNEL)).group("pubsub");
        t.add("punsubscribe", -1, "pubsub noscript loading stale", 0, 0, 0, (c, a) -> unsub(c, a, PubSub.Kind.PATTERN)).group("pubsub");
        t.add("sunsubscribe", -1, "pubsub noscript loading stale", 1, -1, 1, (c, a) -> unsub(c, a, PubSub.Kind.SHARD)).group("pubsub");
        t.add("publish", 3, "pubsub loading stale fast may-replicate", 0, 0, 0, (c, a) -> {
            long n = c.server().pubsub().publish(new Bytes(a[1]), new Bytes(a[2]));
            c.server().stats().pubsubChannelsPublished++;
            c.addInteger(n);
        }).group("pubsub");
        t.add("spublish", 3, "pubsub loading stale fast may-replicate", 1, 1, 1, (c, a) ->
                c.addInteger(c.server().pubsub().publishShard(new Bytes(a[1]), new Bytes(a[2])))).group("pubsub");
        CommandSpec pubsub = t.container("pubsub", -2, "").group("pubsub");
        pubsub.sub("channels", -2, "pubsub loading stale", 0, 0, 0, (c, a) -> channels(c, a, PubSub.Kind.CHANNEL));
        pubsub.sub("shardchannels", -2, "pubsub loading stale", 0, 0, 0, (c, a) -> channels(c, a, PubSub.Kind.SHARD));
        pubsub.sub("numsub", -2, "pubsub loading stale", 0, 0, 0, (c, a) -> numsub(c, a, PubSub.Kind.CHANNEL));
        pubsub.sub("shardnumsub", -2, "pubsub loading stale", 0, 0, 0, (c, a) -> numsub(c, a, PubSub.Kind.SHARD));
        pubsub.sub("numpat", 2, "pubsub loading stale", 0, 0, 0, (c, a) -> c.addInteger(c.server().pubsub().patternCount()));
        pubsub.sub("help", 2, "loading stale", 0, 0, 0, (c, a) -> {
            String[] lines = {"PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CHANNELS [<pattern>]", "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT", "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]", "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]", "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]", "    Return the number of subscribers for the specified shard level channel(s)",
                "HELP", "    Print this help."};
            c.addArrayLen(lines.length);
            for (String l : lines) c.addSimple(l);
        });
    }

    private static void sub(Client c, byte[][] a, PubSub.Kind kind) {
        for (int i = 1; i < a.length; i++) c.server().pubsub().subscribe(c, kind, new Bytes(a[i]));
    }

    private static void unsub(Client c, byte[][] a, PubSub.Kind kind) {
        if (a.length == 1) {
            c.server().pubsub().unsubscribeAll(c, kind, true);
            return;
        }
        for (int i = 1; i < a.length; i++) c.server().pubsub().unsubscribe(c, kind, new Bytes(a[i]), true);
    }

    private static void channels(Client c, byte[][] a, PubSub.Kind kind) {
        if (a.length > 3) throw RedisError.wrongArgs("pubsub|" + Args.lower(a[1]));
        List<Bytes> chans = c.server().pubsub().channels(kind, a.length == 3 ? a[2] : null);
        c.addArrayLen(chans.size());
        for (Bytes ch : chans) c.addBulk(ch);
    }

    private static void numsub(Client c, byte[][] a, PubSub.Kind kind) {
        c.addArrayLen((a.length - 2) * 2L);
        for (int i = 2; i < a.length; i++) {
            c.addBulk(a[i]);
            c.addInteger(c.server().pubsub().subscribers(kind, new Bytes(a[i])));
        }
    }
}
