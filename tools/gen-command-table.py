#!/usr/bin/env python3
"""Generates the engine's command table from Redis's own command metadata.

Redis keeps every command's arity, flags, ACL categories, key specs and documentation in
src/commands/*.json and generates commands.def from them (utils/generate-command-code.py); the
engine does the same, into one data file that io.cachelab.engine.table.CommandTable loads:

    tools/gen-command-table.py <redis-checkout>/src/commands > \
        src/main/resources/io/cachelab/engine/table/commands.tsv

Use Redis 7.0.15's files (git archive 7.0.15 src/commands). commands-later.tsv holds the few commands
the engine answers that came after 7.0 (CLIENT SETINFO and NO-TOUCH, from 7.2.5's files): naming them
after the folder prints only their lines,

    tools/gen-command-table.py <redis-7.2.5>/src/commands 'client|no-touch' 'client|setinfo' > \
        src/main/resources/io/cachelab/engine/table/commands-later.tsv

The output is committed; the it suite's
CommandTableRealRedisTest compares it with a real redis-server 7.0.15's COMMAND INFO and COMMAND DOCS, and
CommandTableTest runs this script on a small fixture.

One line per command or subcommand (parent first, then its subcommands), tab separated:
  fullname arity flags acl-categories key-specs getkeys-function group since complexity doc-flags
  deprecated-since replaced-by history tips summary arguments
flags and categories are comma separated, lower case, as Redis's JSON names them (the implicit
categories Redis's setImplicitACLCategories adds are added here). A key spec is
  FLAGS / begin (i:pos | k:keyword:startfrom | u) / find (r:lastkey:step:limit | n:keynumidx:firstkey:step | u) / notes
and several are ';' separated. history is 'since=changes' items separated by ';'. Text fields are
%-escaped for % ; / = TAB CR LF (and a tip's commas).

arguments is the command's argument tree (redisCommandArg), arguments separated by ',' and a oneof's
or block's own arguments in parentheses after it. One argument is its name (lower case) and type,
  name:type
followed by what it has of: @key_spec_index #TOKEN (upper case, as generate-command-code.py makes it)
$summary ~since !deprecated_since &display_text =value, and the flags ? optional * multiple
+ multiple_token. A sigil with nothing after it is an empty text that is there: MIGRATE's token is two
double quotes, which Redis's generated C literal turns into an empty string. In its values every character of % , ( ) : @ # $ ~ ! & = ? * + ; / space TAB CR LF
is %-escaped. SET's, for one:
  key:key@0,value:string,condition:oneof~2.6.12?(nx:pure-token#NX,xx:pure-token#XX),get:pure-token#GET~6.2.0?,...
"""
import json
import os
import sys

IMPLICIT = [("WRITE", "write"), ("ADMIN", "admin"), ("ADMIN", "dangerous"), ("PUBSUB", "pubsub"),
            ("FAST", "fast"), ("BLOCKING", "blocking")]


def esc(s, special="%;/=\t\r\n"):
    s = "" if s is None else str(s)
    out = []
    for ch in s:
        if ch in special:
            out.append("%%%02X" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def categories(cmd):
    flags = set(cmd.get("command_flags", []))
    cats = [c.lower() for c in cmd.get("acl_categories", [])]
    for flag, cat in IMPLICIT:
        if flag in flags and cat not in cats:
            cats.append(cat)
    if "READONLY" in flags and "scripting" not in cats and "read" not in cats:
        cats.append("read")
    if "fast" not in cats and "slow" not in cats:
        cats.append("slow")
    return ",".join(cats)


def key_spec(ks):
    flags = ",".join(ks.get("flags", []))
    bs = ks["begin_search"]
    if "index" in bs:
        begin = "i:%d" % bs["index"]["pos"]
    elif "keyword" in bs:
        begin = "k:%s:%d" % (esc(bs["keyword"]["keyword"]), bs["keyword"]["startfrom"])
    else:
        begin = "u"
    fk = ks["find_keys"]
    if "range" in fk:
        r = fk["range"]
        find = "r:%d:%d:%d" % (r["lastkey"], r["step"], r["limit"])
    elif "keynum" in fk:
        n = fk["keynum"]
        find = "n:%d:%d:%d" % (n["keynumidx"], n["firstkey"], n["step"])
    else:
        find = "u"
    return "%s/%s/%s/%s" % (flags, begin, find, esc(ks.get("notes", "")))


ARG_SPECIAL = "%,():@#$~!&=?*+;/ \t\r\n"


def argument(arg):
    def text(field, force_upper=False):
        # generate-command-code.py writes a present, non-empty value as the C literal "value": MIGRATE's
        # token "" (two double quotes) becomes """", an empty but present token, as Redis replies it
        v = arg.get(field) or None
        if v is None:
            return None
        return (v.upper() if force_upper else v).replace('"', "")

    out = [esc(arg["name"].lower(), ARG_SPECIAL), ":", arg["type"]]
    if "key_spec_index" in arg:
        out.append("@%d" % arg["key_spec_index"])
    for sigil, value in (("#", text("token", True)), ("$", text("summary")), ("~", text("since")),
                         ("!", text("deprecated_since")), ("&", text("display") or text("display_text")),
                         ("=", text("value"))):
        if value is not None:
            out.append(sigil + esc(value, ARG_SPECIAL))
    for sigil, flag in (("?", "optional"), ("*", "multiple"), ("+", "multiple_token")):
        if arg.get(flag, False):
            out.append(sigil)
    if arg["type"] in ("oneof", "block"):
        out.append("(" + arguments(arg.get("arguments", [])) + ")")
    return "".join(out)


def arguments(args):
    return ",".join(argument(a) for a in args)


def line(fullname, cmd):
    history = ";".join("%s=%s" % (esc(s), esc(c)) for s, c in cmd.get("history", []))
    fields = [
        fullname,
        str(cmd["arity"]),
        ",".join(f.lower() for f in cmd.get("command_flags", [])),
        categories(cmd),
        ";".join(key_spec(ks) for ks in cmd.get("key_specs", [])),
        cmd.get("get_keys_function", "-"),
        esc(cmd.get("group", "").replace("_", "-")),  # COMMAND_GROUP_STR spells sorted_set "sorted-set"
        esc(cmd.get("since", "")),
        esc(cmd.get("complexity", "")),
        ",".join(f.lower() for f in cmd.get("doc_flags", [])),
        esc(cmd.get("deprecated_since", "")),
        esc(cmd.get("replaced_by", "")),
        history,
        ",".join(esc(t.lower(), "%;/=\t\r\n,") for t in cmd.get("command_tips", [])),
        esc(cmd.get("summary", "")),
        arguments(cmd.get("arguments", [])),
    ]
    return "\t".join(fields)


def main(folder, only):
    top, subs = {}, {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            for cmd_name, cmd in json.load(f).items():
                container = cmd.get("container")
                if container:
                    subs.setdefault(container.lower(), {})[cmd_name.lower()] = cmd
                else:
                    top[cmd_name.lower()] = cmd
    out = ["# generated by tools/gen-command-table.py from Redis's src/commands/*.json; do not edit"]
    for name in sorted(top):
        out.append(line(name, top[name]))
        for sub in sorted(subs.get(name, {})):
            out.append(line(name + "|" + sub, subs[name][sub]))
    missing = sorted(set(subs) - set(top))
    if missing:
        sys.exit("subcommands of unknown containers: " + ", ".join(missing))
    if only:
        lines = {l.split("\t", 1)[0]: l for l in out[1:]}
        unknown = [n for n in only if n not in lines]
        if unknown:
            sys.exit("no such commands: " + ", ".join(unknown))
        out = out[:1] + [lines[n] for n in only]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: gen-command-table.py <redis>/src/commands [fullname ...]")
    main(sys.argv[1], sys.argv[2:])
