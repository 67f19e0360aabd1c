package io.cachelab.engine.command;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.GeoHash.Shape;
import io.cachelab.engine.type.Numbers;
import io.cachelab.engine.type.RType;
import io.cachelab.engine.type.ZSetValue;
import io.cachelab.engine.type.ZSetValue.ScoreRange;
import io.cachelab.engine.util.Bytes;

import static io.cachelab.engine.type.GeoHash.*;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * GEO commands (geo.c, geohash.c, geohash_helper.c). A geo set is a plain sorted set whose scores
 * are 52-bit interleaved geohashes, so GEOADD is rewritten into ZADD exactly as Redis does, and a
 * search walks the same 9 geohash boxes (centre first, then N S E W NE NW SE SW) with the same
 * step estimate, so unsorted replies come back in Redis's order. Distances use Redis's haversine
 * and earth radius, and numbers are printed as Redis prints them (4-decimal fixed point for
 * distances, "%.17Lf" trimmed for coordinates) because clients and tests compare the text.
 */
public final class GeoCommands {
    private static final int RADIUS_COORDS = 1, RADIUS_MEMBER = 2, RADIUS_NOSTORE = 4, GEOSEARCH = 8, GEOSEARCHSTORE = 16;
    private static final int SORT_NONE = 0, SORT_ASC = 1, SORT_DESC = 2;
    private static final String NOT_FLOAT = "ERR value is not a valid float";

    private GeoCommands() {
    }

    static void register(Commands t) {
        t.bind("geoadd", GeoCommands::geoadd);
        t.bind("geopos", GeoCommands::geopos);
        t.bind("geodist", GeoCommands::geodist);
        t.bind("geohash", GeoCommands::geohash);
        t.bind("georadius", (c, a) -> search(c, a, 1, RADIUS_COORDS));
        t.bind("georadiusbymember", (c, a) -> search(c, a, 1, RADIUS_MEMBER));
        t.bind("georadius_ro", (c, a) -> search(c, a, 1, RADIUS_COORDS | RADIUS_NOSTORE));
        t.bind("georadiusbymember_ro", (c, a) -> search(c, a, 1, RADIUS_MEMBER | RADIUS_NOSTORE));
        t.bind("geosearch", (c, a) -> search(c, a, 1, GEOSEARCH));
        t.bind("geosearchstore", (c, a) -> search(c, a, 2, GEOSEARCH | GEOSEARCHSTORE));
    }

    record Point(Bytes member, double score, double lon, double lat, double[] dist) {
    }

    private static void membersOfAllNeighbours(ZSetValue z, long[][] boxes, Shape s, List<Point> out, long limit) {
        int lastProcessed = 0;
        for (int i = 0; i < boxes.length; i++) {
            long bits = boxes[i][0];
            int step = (int) boxes[i][1];
            if (bits == 0 && step == 0) continue;
            if (lastProcessed != 0 && bits == boxes[lastProcessed][0] && step == boxes[lastProcessed][1]) continue;
            if (!out.isEmpty() && limit > 0 && out.size() >= limit) break;
            double min = (double) align52(bits, step);
            double max = (double) align52(bits + 1, step);
            ScoreRange range = new ScoreRange(min, false, max, true);
            for (ZSetValue.Node n = z.firstInRange(range); n != null; n = n.next()) {
                if (!range.belowMax(n.score())) break;
                double[] xy = decodeScore(n.score());
                double d = within(s, xy[0], xy[1]);
                if (!Double.isNaN(d)) out.add(new Point(n.member(), n.score(), xy[0], xy[1], new double[] {d}));
                if (!out.isEmpty() && limit > 0 && out.size() >= limit) break;
            }
            lastProcessed = i;
        }
    }

    // ---- parsing and formatting ------------------------------------------------------------

    private static double parseDouble(byte[] arg, String error) {
        Double d = ZSetCommands.parseDouble(arg, 0, false);
        if (d == null || Double.isNaN(d)) throw new RedisError(error);
        return d;
    }

    /** extractLongLatOrReply. */
    static double[] lonLat(byte[] lonArg, byte[] latArg) {
        double lon = parseDouble(lonArg, NOT_FLOAT);
        double lat = parseDouble(latArg, NOT_FLOAT);
        if (lon < LONG_MIN || lon > LONG_MAX || lat < LAT_MIN || lat > LAT_MAX) {
            throw new RedisError("ERR invalid longitude,latitude pair " + fixed(lon, 6) + "," + fixed(lat, 6));
        }
        return new double[] {lon, lat};
    }

    /** printf("%.Nf") as glibc prints it: the double's exact value rounded half-even. */
    static String fixed(double d, int digits) {
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        String s = new BigDecimal(d).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
        if (d < 0 && !s.startsWith("-")) s = "-" + s;
        return s;
    }

    static double unit(byte[] u) {
        String s = new String(u, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        return switch (s) {
            case "m" -> 1;
            case "km" -> 1000;
            case "ft" -> 0.3048;
            case "mi" -> 1609.34;
            default -> throw new RedisError("ERR unsupported unit provided. please use M, KM, FT, MI");
        };
    }

    /** fixedpoint_d2string(d, 4): llrint(d * 10^4) printed with 4 decimals. */
    static String distanceText(double d) {
        if (d == 0) return "0.0000";
        long v = (long) Math.rint(d * 10000.0);
        boolean neg = v < 0;
        long abs = Math.abs(v);
        String frac = Long.toString(abs % 10000);
        StringBuilder sb = new StringBuilder(24);
        if (neg) sb.append('-');
        sb.append(abs / 10000).append('.');
        for (int i = frac.length(); i < 4; i++) sb.append('0');
        return sb.append(frac).toString();
    }

    /** addReplyHumanLongDouble: "%.17Lf" with trailing zeros and a bare '.' removed. */
    static String human(double d) {
        String s = new BigDecimal(d).setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        if (s.indexOf('.') >= 0) {
            while (s.charAt(end - 1) == '0') end--;
            if (s.charAt(end - 1) == '.') end--;
        }
        s = s.substring(0, end);
        return s.equals("-0") ? "0" : s;
    }

    private static void addHuman(Client c, double d) {
        String s = human(d);
        if (c.resp() == 3) {
            c.reply().raw(("," + s + "\r\n").getBytes(StandardCharsets.US_ASCII));
        } else {
            c.addBulk(s);
        }
    }

    // ---- commands ----------------------------------------------------------------------------

    private static void geoadd(Client c, byte[][] a) {
        boolean xx = false, nx = false;
        int longIdx = 2;
        while (longIdx < a.length) {
            if (Args.is(a[longIdx], "nx")) nx = true;
            else if (Args.is(a[longIdx], "xx")) xx = true;
            else if (!Args.is(a[longIdx], "ch")) break;
            longIdx++;
        }
        if ((a.length - longIdx) % 3 != 0 || (xx && nx)) throw RedisError.SYNTAX;
        int elements = (a.length - longIdx) / 3;
        byte[][] zargv = new byte[longIdx + elements * 2][];
        zargv[0] = "zadd".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(a, 1, zargv, 1, longIdx - 1);
        for (int i = 0; i < elements; i++) {
            int at = longIdx + i * 3;
            double[] xy = lonLat(a[at], a[at + 1]);
            long bits = align52(encodeWgs84(xy[0], xy[1], STEP_MAX), STEP_MAX);
            zargv[longIdx + i * 2] = Long.toString(bits).getBytes(StandardCharsets.US_ASCII);
            zargv[longIdx + i * 2 + 1] = a[at + 2];
        }
        server(c).commands().lookup("zadd").handler().execute(c, zargv);
    }

    private static ZSetValue zsetRead(Client c, byte[] key) {
        return c.db().lookupRead(new Bytes(key), RType.ZSET);
    }

    private static void geopos(Client c, byte[][] a) {
        ZSetValue z = zsetRead(c, a[1]);
        c.addArrayLen(a.length - 2);
        for (int j = 2; j < a.length; j++) {
            Double score = z == null ? null : z.score(new Bytes(a[j]));
            if (score == null) {
                c.addNullArray();
                continue;
            }
            double[] xy = decodeScore(score);
            c.addArrayLen(2);
            addHuman(c, xy[0]);
            addHuman(c, xy[1]);
        }
    }

    private static void geodist(Client c, byte[][] a) {
        double toMeter = 1;
        if (a.length == 5) toMeter = unit(a[4]);
        else if (a.length > 5) throw RedisError.SYNTAX;
        ZSetValue z = zsetRead(c, a[1]);
        if (z == null) {
            c.addNull();
            return;
        }
        Double s1 = z.score(new Bytes(a[2]));
        Double s2 = z.score(new Bytes(a[3]));
        if (s1 == null || s2 == null) {
            c.addNull();
            return;
        }
        double[] p1 = decodeScore(s1), p2 = decodeScore(s2);
        c.addBulk(distanceText(distance(p1[0], p1[1], p2[0], p2[1]) / toMeter));
    }

    private static final byte[] GEO_ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);

    private static void geohash(Client c, byte[][] a) {
        ZSetValue z = zsetRead(c, a[1]);
        c.addArrayLen(a.length - 2);
        for (int j = 2; j < a.length; j++) {
            Double score = z == null ? null : z.score(new Bytes(a[j]));
            if (score == null) {
                c.addNull();
                continue;
            }
            double[] xy = decodeScore(score);
            long bits = encode(xy[0], xy[1], -180, 180, -90, 90, 26);
            byte[] buf = new byte[11];
            for (int i = 0; i < 11; i++) {
                int idx = i == 10 ? 0 : (int) ((bits >>> (52 - ((i + 1) * 5))) & 0x1f);
                buf[i] = GEO_ALPHABET[idx];
            }
            c.addBulk(buf);
        }
    }

    /** georadiusGeneric: GEORADIUS*, GEOSEARCH and GEOSEARCHSTORE. */
    /** What a GEORADIUS* / GEOSEARCH* call asks for, as georadiusGeneric parses it. */
    private static final class Search {
        final int flags;
        final boolean geosearch;
        final Shape shape = new Shape();
        byte[] storeKey;
        boolean storeDist;
        boolean withDist, withHash, withCoords;
        boolean fromMember, fromLoc, byRadius, byBox, any;
        int sort = SORT_NONE;
        long count;

        Search(int flags) {
            this.flags = flags;
            this.geosearch = (flags & GEOSEARCH) != 0;
        }

        boolean mayStore() {
            return (flags & RADIUS_NOSTORE) == 0 && !geosearch;
        }
    }

    private static void search(Client c, byte[][] a, int srcKeyIndex, int flags) {
        ZSetValue z = zsetRead(c, a[srcKeyIndex]);
        Search q = new Search(flags);
        int baseArgs = parseCentre(q, a, z);
        for (int i = baseArgs; i < a.length; i++) i = parseOption(q, a, i, z);
        validate(q, a);
        if (z == null) {
            if (q.storeKey != null) {
                deleteStore(c, new Bytes(q.storeKey));
                c.addInteger(0);
            } else {
                c.addArrayLen(0);
            }
            return;
        }
        if (q.count != 0 && q.sort == SORT_NONE && !q.any) q.sort = SORT_ASC;
        List<Point> found = new ArrayList<>();
        membersOfAllNeighbours(z, areas(q.shape), q.shape, found, q.any ? q.count : 0);
        if (found.isEmpty() && q.storeKey == null) {
            c.addArrayLen(0);
            return;
        }
        int returned = q.count == 0 || found.size() < q.count ? found.size() : (int) q.count;
        if (q.sort != SORT_NONE) {
            Comparator<Point> cmp = Comparator.comparingDouble(p -> p.dist()[0]);
            found.sort(q.sort == SORT_ASC ? cmp : cmp.reversed());
        }
        if (q.storeKey == null) reply(c, q, found, returned);
        else store(c, q, found, returned);
    }

    /** The fixed arguments before the options: GEORADIUS's centre and radius, or the STORE key. */
    private static int parseCentre(Search q, byte[][] a, ZSetValue z) {
        if ((q.flags & RADIUS_COORDS) != 0) {
            double[] xy = lonLat(a[2], a[3]);
            q.shape.center(xy[0], xy[1]);
            parseDistance(q.shape, a[4], a[5]);
            return 6;
        }
        if ((q.flags & RADIUS_MEMBER) != 0) {
            if (z != null) {
                fromMember(q.shape, z, a[2]);
                parseDistance(q.shape, a[3], a[4]);
            }
            return 5;
        }
        if ((q.flags & GEOSEARCHSTORE) != 0) {
            q.storeKey = a[1];
            return 3;
        }
        return 2;
    }

    /** One option at {@code a[i]}; returns the index of its last argument. */
    private static int parseOption(Search q, byte[][] a, int i, ZSetValue z) {
        byte[] arg = a[i];
        int left = a.length - i - 1;
        if (Args.is(arg, "withdist")) {
            q.withDist = true;
        } else if (Args.is(arg, "withhash")) {
            q.withHash = true;
        } else if (Args.is(arg, "withcoord")) {
            q.withCoords = true;
        } else if (Args.is(arg, "any")) {
            q.any = true;
        } else if (Args.is(arg, "asc")) {
            q.sort = SORT_ASC;
        } else if (Args.is(arg, "desc")) {
            q.sort = SORT_DESC;
        } else if (Args.is(arg, "count") && left >= 1) {
            Long n = Numbers.parseLongStrict(a[i + 1]);
            if (n == null) throw new RedisError("ERR value is not an integer or out of range");
            if (n <= 0) throw new RedisError("ERR COUNT must be > 0");
            q.count = n;
            return i + 1;
        } else if ((Args.is(arg, "store") || Args.is(arg, "storedist")) && left >= 1 && q.mayStore()) {
            q.storeKey = a[i + 1];
            q.storeDist = Args.is(arg, "storedist");
            return i + 1;
        } else if (Args.is(arg, "storedist") && q.geosearch && (q.flags & GEOSEARCHSTORE) != 0) {
            q.storeDist = true;
        } else {
            return parseShapeOption(q, a, i, z);
        }
        return i;
    }

    /** GEOSEARCH's FROMMEMBER / FROMLONLAT / BYRADIUS / BYBOX; anything else is a syntax error. */
    private static int parseShapeOption(Search q, byte[][] a, int i, ZSetValue z) {
        byte[] arg = a[i];
        int left = a.length - i - 1;
        if (Args.is(arg, "frommember") && left >= 1 && q.geosearch && !q.fromLoc) {
            if (z != null) fromMember(q.shape, z, a[i + 1]);
            q.fromMember = true;
            return i + 1;
        } else if (Args.is(arg, "fromlonlat") && left >= 2 && q.geosearch && !q.fromMember) {
            double[] xy = lonLat(a[i + 1], a[i + 2]);
            q.shape.center(xy[0], xy[1]);
            q.fromLoc = true;
            return i + 2;
        } else if (Args.is(arg, "byradius") && left >= 2 && q.geosearch && !q.byBox) {
            parseDistance(q.shape, a[i + 1], a[i + 2]);
            q.byRadius = true;
            return i + 2;
        } else if (Args.is(arg, "bybox") && left >= 3 && q.geosearch && !q.byRadius) {
            double w = parseDouble(a[i + 1], "ERR need numeric width");
            double h = parseDouble(a[i + 2], "ERR need numeric height");
            if (h < 0 || w < 0) throw new RedisError("ERR height or width cannot be negative");
            q.shape.box(w, h, unit(a[i + 3]));
            q.byBox = true;
            return i + 3;
        }
        throw RedisError.SYNTAX;
    }

    private static void validate(Search q, byte[][] a) {
        if (q.storeKey != null && (q.withDist || q.withHash || q.withCoords)) {
            throw new RedisError("ERR " + ((q.flags & GEOSEARCHSTORE) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                    + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
        }
        String name = new String(a[0], StandardCharsets.UTF_8);
        if (q.geosearch && !(q.fromMember || q.fromLoc)) {
            throw new RedisError("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + name);
        }
        if (q.geosearch && !(q.byRadius || q.byBox)) {
            throw new RedisError("ERR exactly one of BYRADIUS and BYBOX can be specified for " + name);
        }
        if (q.any && q.count == 0) throw new RedisError("ERR the ANY argument requires COUNT argument");
    }

    private static void reply(Client c, Search q, List<Point> found, int returned) {
        int options = (q.withDist ? 1 : 0) + (q.withCoords ? 1 : 0) + (q.withHash ? 1 : 0);
        c.addArrayLen(returned);
        for (int i = 0; i < returned; i++) {
            Point p = found.get(i);
            if (options > 0) c.addArrayLen(options + 1);
            c.addBulk(p.member());
            if (q.withDist) c.addBulk(distanceText(p.dist()[0] / q.shape.conversion()));
            if (q.withHash) c.addInteger((long) p.score());
            if (q.withCoords) {
                c.addArrayLen(2);
                addHuman(c, p.lon());
                addHuman(c, p.lat());
            }
        }
    }

    private static void store(Client c, Search q, List<Point> found, int returned) {
        Database db = c.db();
        Bytes dst = new Bytes(q.storeKey);
        if (returned > 0) {
            ZSetValue out = new ZSetValue(configInt(c, "zset-max-listpack-entries", 128),
                    configInt(c, "zset-max-listpack-value", 64));
            for (int i = 0; i < returned; i++) {
                Point p = found.get(i);
                out.insert(p.member(), q.storeDist ? p.dist()[0] / q.shape.conversion() : p.score());
            }
            out.fitEncoding();
            db.set(dst, out);
            server(c).notifyKeyspaceEvent(Notify.ZSET, q.geosearch ? "geosearchstore" : "georadiusstore", dst, db.id());
            server(c).addDirty(Math.max(0, returned - 1));
        } else {
            deleteStore(c, dst);
        }
        c.addInteger(returned);
    }

    private static int configInt(Client c, String name, int fallback) {
        return server(c).config().exists(name) ? server(c).config().getInt(name) : fallback;
    }

    private static void deleteStore(Client c, Bytes key) {
        if (c.db().delete(key)) server(c).notifyKeyspaceEvent(Notify.GENERIC, "del", key, c.db().id());
    }

    private static void fromMember(Shape shape, ZSetValue z, byte[] member) {
        Double score = z.score(new Bytes(member));
        if (score == null) throw new RedisError("ERR could not decode requested zset member");
        double[] xy = decodeScore(score);
        shape.center(xy[0], xy[1]);
    }

    private static void parseDistance(Shape shape, byte[] dist, byte[] unit) {
        double d = parseDouble(dist, "ERR need numeric radius");
        if (d < 0) throw new RedisError("ERR radius cannot be negative");
        shape.radius(d, unit(unit));
    }
}
