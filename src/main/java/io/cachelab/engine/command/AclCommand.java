package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.CommandSpec;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.acl.Acl;
import io.cachelab.engine.table.AclCategory;
import io.cachelab.engine.table.CommandDef;
import io.cachelab.engine.table.CommandTable;
import io.cachelab.engine.acl.AclUser;
import io.cachelab.engine.net.Client;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * ACL and its subcommands (aclCommand in Redis's acl.c), with Redis's arities, flags and reply
 * shapes. The rules themselves live in engine/acl; this file only parses arguments and replies.
 * Names, rules and passwords are bytes on the wire, read one char per byte (ISO-8859-1) so they
 * come back out unchanged.
 */
final class AclCommand {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AclCommand() {
    }

    static void register(Commands t) {
        CommandSpec acl = t.container("acl");
        acl.sub("cat", AclCommand::cat);
        acl.sub("deluser", AclCommand::deluser);
        acl.sub("dryrun", AclCommand::dryrun);
        acl.sub("genpass", AclCommand::genpass);
        acl.sub("getuser", AclCommand::getuser);
        acl.sub("help", AclCommand::help);
        acl.sub("list", (c, a) -> list(c, false));
        acl.sub("load", AclCommand::load);
        acl.sub("log", AclCommand::log);
        acl.sub("save", AclCommand::save);
        acl.sub("setuser", AclCommand::setuser);
        acl.sub("users", (c, a) -> list(c, true));
        acl.sub("whoami", (c, a) -> c.addBulk(c.user().name()));
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static Acl acl(Client c) {
        return server(c).acl();
    }

    private static void setuser(Client c, byte[][] a) {
        for (int j = 2; j < a.length; j++) c.redactArgument(j); // the user's name and rules never reach a log
        String name = str(a[2]);
        if (Acl.hasSpaces(name)) throw new RedisError("ERR Usernames can't contain spaces or null characters");
        List<String> rules = new ArrayList<>();
        for (int i = 3; i < a.length; i++) rules.add(str(a[i]));
        String err;
        try {
            err = acl(c).setUser(name, rules);
        } catch (Acl.AclException e) {
            err = e.getMessage();
        }
        if (err != null) throw new RedisError(err.replace('\r', ' ').replace('\n', ' '));
        c.addOk();
    }

    private static void deluser(Client c, byte[][] a) {
        for (int i = 2; i < a.length; i++) {
            if (str(a[i]).equals("default")) throw new RedisError("ERR The 'default' user cannot be removed");
        }
        int deleted = 0;
        for (int i = 2; i < a.length; i++) deleted += acl(c).deleteUser(str(a[i]), c);
        c.addInteger(deleted);
    }

    private static void getuser(Client c, byte[][] a) {
        AclUser u = acl(c).user(str(a[2]));
        if (u == null) {
            c.addNull();
            return;
        }
        AclUser.Description d = u.description();
        c.addMapLen(6);
        c.addBulk("flags");
        c.addSetLen(d.flags().size());
        for (String f : d.flags()) c.addBulk(f);
        c.addBulk("passwords");
        c.addArrayLen(d.passwords().size());
        for (String p : d.passwords()) c.addBulk(p);
        addSelector(c, d.root());
        c.addBulk("selectors");
        c.addArrayLen(d.selectors().size());
        for (String[] s : d.selectors()) {
            c.addMapLen(3);
            addSelector(c, s);
        }
    }

    private static void addSelector(Client c, String[] commandsKeysChannels) {
        c.addBulk("commands");
        c.addBulk(commandsKeysChannels[0]);
        c.addBulk("keys");
        c.addBulk(commandsKeysChannels[1]);
        c.addBulk("channels");
        c.addBulk(commandsKeysChannels[2]);
    }

    private static void list(Client c, boolean namesOnly) {
        c.addArrayLen(acl(c).userCount());
        for (AclUser u : acl(c).users()) {
            c.addBulk(namesOnly ? u.name : "user " + u.name + " " + u.describe());
        }
    }

    private static final String NO_ACL_FILE = "ERR This Redis instance is not configured to use an ACL file. You may "
            + "want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a "
            + "Redis configuration file set) in order to store users in the Redis configuration.";

    private static void load(Client c, byte[][] a) {
        if (acl(c).aclFile().isEmpty()) throw new RedisError(NO_ACL_FILE);
        String err = acl(c).load(c);
        if (err != null) throw new RedisError("ERR " + err);
        c.addOk();
    }

    private static void save(Client c, byte[][] a) {
        if (acl(c).aclFile().isEmpty()) throw new RedisError(NO_ACL_FILE);
        if (!acl(c).save()) {
            throw new RedisError("ERR There was an error trying to save the ACLs. Please check the server logs for "
                    + "more information");
        }
        c.addOk();
    }

    private static void cat(Client c, byte[][] a) {
        if (a.length > 3) {
            throw new RedisError("ERR unknown subcommand or wrong number of arguments for '" + str(a[1]) + "'. Try ACL HELP.");
        }
        if (a.length == 2) {
            c.addArrayLen(AclCategory.all().size());
            for (AclCategory cat : AclCategory.all()) c.addBulk(cat.aclName());
            return;
        }
        long flag = AclCategory.bitOf(str(a[2]));
        if (flag == 0) {
            String name = str(a[2]);
            throw new RedisError("ERR Unknown category '" + (name.length() > 128 ? name.substring(0, 128) : name) + "'");
        }
        List<String> names = new ArrayList<>();
        for (CommandDef cmd : server(c).commands().table().topLevel()) collect(cmd, flag, names);
        c.addArrayLen(names.size());
        for (String n : names) c.addBulk(n);
    }

    private static void collect(CommandDef cmd, long flag, List<String> out) {
        if ((cmd.categories() & flag) != 0) out.add(cmd.fullName());
        for (CommandDef sub : cmd.subcommands().values()) collect(sub, flag, out);
    }

    private static void genpass(Client c, byte[][] a) {
        if (a.length > 3) {
            throw new RedisError("ERR unknown subcommand or wrong number of arguments for '" + str(a[1]) + "'. Try ACL HELP.");
        }
        long bits = 256;
        if (a.length == 3) {
            Long v = Numbers.parseLongStrict(a[2]);
            if (v == null) throw RedisError.NOT_INTEGER;
            bits = v;
        }
        if (bits <= 0 || bits > 4096) {
            throw new RedisError("ERR ACL GENPASS argument must be the number of bits for the output password, a "
                    + "positive number up to 4096");
        }
        int chars = (int) ((bits + 3) / 4);
        byte[] rnd = new byte[(chars + 1) / 2];
        RANDOM.nextBytes(rnd);
        c.addBulk(HexFormat.of().formatHex(rnd).substring(0, chars));
    }

    private static void log(Client c, byte[][] a) {
        if (a.length > 3) {
            throw new RedisError("ERR unknown subcommand or wrong number of arguments for '" + str(a[1]) + "'. Try ACL HELP.");
        }
        long count = 10;
        if (a.length == 3) {
            if (Args.is(a[2], "reset")) {
                acl(c).log().clear();
                c.addOk();
                return;
            }
            Long v = Numbers.parseLongStrict(a[2]);
            if (v == null) throw RedisError.NOT_INTEGER;
            count = Math.max(0, v);
        }
        count = Math.min(count, acl(c).log().size());
        c.addArrayLen(count);
        long now = System.currentTimeMillis();
        for (Acl.LogEntry e : acl(c).log()) {
            if (count-- <= 0) break;
            c.addMapLen(7);
            c.addBulk("count");
            c.addInteger(e.count());
            c.addBulk("reason");
            c.addBulk(e.reasonName());
            c.addBulk("context");
            c.addBulk(e.context);
            c.addBulk("object");
            c.addBulk(e.object.getBytes(StandardCharsets.ISO_8859_1));
            c.addBulk("username");
            c.addBulk(e.username.getBytes(StandardCharsets.ISO_8859_1));
            c.addBulk("age-seconds");
            c.addDouble((now - e.ctimeMs()) / 1000.0);
            c.addBulk("client-info");
            c.addBulk(e.clientInfo());
        }
    }

    private static void dryrun(Client c, byte[][] a) {
        String username = str(a[2]);
        AclUser u = acl(c).user(username);
        if (u == null) throw new RedisError("ERR User '" + username + "' not found");
        byte[][] argv = java.util.Arrays.copyOfRange(a, 3, a.length);
        // judged by Redis's table, so a command the engine does not answer (MODULE) is judged too
        CommandDef redisCmd = redisLookup(server(c).commands().table(), argv);
        if (redisCmd == null) throw new RedisError("ERR Command '" + str(argv[0]) + "' not found");
        if (!redisCmd.arityOk(argv.length)) {
            throw new RedisError("ERR wrong number of arguments for '" + redisCmd.fullName() + "' command");
        }
        int denied = acl(c).check(u, redisCmd, argv);
        if (denied == 0) {
            c.addOk();
            return;
        }
        String fullName = redisCmd.fullName();
        int pos = acl(c).lastDeniedPos();
        c.addBulk(switch (denied) {
            case Acl.DENIED_CMD -> "This user has no permissions to run the '" + fullName + "' command";
            case Acl.DENIED_KEY -> "This user has no permissions to access the '" + str(argv[pos]) + "' key";
            default -> "This user has no permissions to access the '" + str(argv[pos]) + "' channel";
        });
    }

    private static CommandDef redisLookup(CommandTable table, byte[][] argv) {
        CommandDef cmd = table.lookup(str(argv[0]));
        if (cmd != null && !cmd.subcommands().isEmpty() && argv.length >= 2) {
            return table.lookup(cmd.fullName() + "|" + str(argv[1]));
        }
        return cmd;
    }

    private static void help(Client c, byte[][] a) {
        String[] lines = {
            "CAT [<category>]",
            "    List all commands that belong to <category>, or all command categories",
            "    when no category is specified.",
            "DELUSER <username> [<username> ...]",
            "    Delete a list of users.",
            "DRYRUN <username> <command> [<arg> ...]",
            "    Returns whether the user can execute the given command without executing the command.",
            "GETUSER <username>",
            "    Get the user's details.",
            "GENPASS [<bits>]",
            "    Generate a secure 256-bit user password. The optional `bits` argument can",
            "    be used to specify a different size.",
            "LIST",
            "    Show users details in config file format.",
            "LOAD",
            "    Reload users from the ACL file.",
            "LOG [<count> | RESET]",
            "    Show the ACL log entries.",
            "SAVE",
            "    Save the current config to the ACL file.",
            "SETUSER <username> <attribute> [<attribute> ...]",
            "    Create or modify a user with the specified attributes.",
            "USERS",
            "    List all the registered usernames.",
            "WHOAMI",
            "    Return the current connection username."};
        c.addHelp("ACL", lines);
    }
}
