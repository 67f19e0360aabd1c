package io.cachelab.engine.command;

import io.cachelab.engine.util.RedisError;
import io.cachelab.engine.dispatch.Commands;
import io.cachelab.engine.keyspace.Database;
import io.cachelab.engine.config.Notify;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.type.RType;
import io.cachelab.engine.type.ZSetValue;
import io.cachelab.engine.type.ZSetValue.ScoreRange;
import io.cachelab.engine.util.Bytes;

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
    static final double LONG_MIN = -180, LONG_MAX = 180;
    static final double LAT_MIN = -85.05112878, LAT_MAX = 85.05112878;
    static final int STEP_MAX = 26;
    static final double EARTH_RADIUS_IN_METERS = 6372797.560856;
    static final double MERCATOR_MAX = 20037726.37;
    static final double D_R = Math.PI / 180.0;

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

    // ---- geohash ----------------------------------------------------------------------------

    static long interleave64(long xlo, long ylo) {
        final long[] b = {0x5555555555555555L, 0x3333333333333333L, 0x0F0F0F0F0F0F0F0FL, 0x00FF00FF00FF00FFL, 0x0000FFFF0000FFFFL};
        final int[] s = {1, 2, 4, 8, 16};
        long x = xlo & 0xffffffffL, y = ylo & 0xffffffffL;
        for (int i = 4; i >= 0; i--) {
            x = (x | (x << s[i])) & b[i];
            y = (y | (y << s[i])) & b[i];
        }
        return x | (y << 1);
    }

    static long deinterleave64(long interleaved) {
        final long[] b = {0x5555555555555555L, 0x3333333333333333L, 0x0F0F0F0F0F0F0F0FL, 0x00FF00FF00FF00FFL,
                0x0000FFFF0000FFFFL, 0x00000000FFFFFFFFL};
        final int[] s = {0, 1, 2, 4, 8, 16};
        long x = interleaved, y = interleaved >>> 1;
        for (int i = 0; i < 6; i++) {
            x = (x | (x >>> s[i])) & b[i];
            y = (y | (y >>> s[i])) & b[i];
        }
        return x | (y << 32);
    }

    /** geohashEncode over the given ranges; the caller has checked the coordinates. */
    static long encode(double lon, double lat, double lonMin, double lonMax, double latMin, double latMax, int step) {
        double latOffset = (lat - latMin) / (latMax - latMin);
        double lonOffset = (lon - lonMin) / (lonMax - lonMin);
        latOffset *= (double) (1L << step);
        lonOffset *= (double) (1L << step);
        return interleave64(toUint32(latOffset), toUint32(lonOffset));
    }

    private static long toUint32(double d) {
        return ((long) d) & 0xffffffffL;
    }

    static long encodeWgs84(double lon, double lat, int step) {
        return encode(lon, lat, LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, step);
    }

    /** geohashDecode: {lonMin, lonMax, latMin, latMax} of the box. */
    static double[] decodeArea(long bits, int step) {
        long sep = deinterleave64(bits);
        double latScale = LAT_MAX - LAT_MIN, lonScale = LONG_MAX - LONG_MIN;
        long ilato = sep & 0xffffffffL;
        long ilono = sep >>> 32;
        double div = (double) (1L << step);
        return new double[] {
            LONG_MIN + (ilono * 1.0 / div) * lonScale,
            LONG_MIN + ((ilono + 1) * 1.0 / div) * lonScale,
            LAT_MIN + (ilato * 1.0 / div) * latScale,
            LAT_MIN + ((ilato + 1) * 1.0 / div) * latScale,
        };
    }

    /** decodeGeohash: a score's centre point {lon, lat}, clamped as Redis clamps it. */
    static double[] decodeScore(double score) {
        double[] a = decodeArea(toUint64(score), STEP_MAX);
        double lon = (a[0] + a[1]) / 2;
        lon = Math.max(LONG_MIN, Math.min(LONG_MAX, lon));
        double lat = (a[2] + a[3]) / 2;
        lat = Math.max(LAT_MIN, Math.min(LAT_MAX, lat));
        return new double[] {lon, lat};
    }

    /** C's (uint64_t) of a double, for scores that may exceed 2^63 or be negative. */
    private static long toUint64(double d) {
        if (d >= 9.223372036854775807E18) return (long) (d - 9.223372036854775807E18) ^ Long.MIN_VALUE;
        return (long) d;
    }

    static long align52(long bits, int step) {
        return bits << (52 - step * 2);
    }

    private static long moveX(long bits, int step, int d) {
        if (d == 0) return bits;
        long x = bits & 0xaaaaaaaaaaaaaaaaL;
        long y = bits & 0x5555555555555555L;
        long zz = 0x5555555555555555L >>> (64 - step * 2);
        if (d > 0) {
            x = x + (zz + 1);
        } else {
            x = x | zz;
            x = x - (zz + 1);
        }
        x &= (0xaaaaaaaaaaaaaaaaL >>> (64 - step * 2));
        return x | y;
    }

    private static long moveY(long bits, int step, int d) {
        if (d == 0) return bits;
        long x = bits & 0xaaaaaaaaaaaaaaaaL;
        long y = bits & 0x5555555555555555L;
        long zz = 0xaaaaaaaaaaaaaaaaL >>> (64 - step * 2);
        if (d > 0) {
            y = y + (zz + 1);
        } else {
            y = y | zz;
            y = y - (zz + 1);
        }
        y &= (0x5555555555555555L >>> (64 - step * 2));
        return x | y;
    }

    static int estimateSteps(double rangeMeters, double lat) {
        if (rangeMeters == 0) return 26;
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) step--;
        }
        if (step < 1) step = 1;
        if (step > 26) step = 26;
        return step;
    }

    static double degRad(double ang) {
        return ang * D_R;
    }

    static double radDeg(double ang) {
        return ang / D_R;
    }

    static double latDistance(double lat1d, double lat2d) {
        return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
    }

    static double distance(double lon1d, double lat1d, double lon2d, double lat2d) {
        double lon1r = degRad(lon1d), lon2r = degRad(lon2d);
        double v = Math.sin((lon2r - lon1r) / 2);
        if (v == 0.0) return latDistance(lat1d, lat2d);
        double lat1r = degRad(lat1d), lat2r = degRad(lat2d);
        double u = Math.sin((lat2r - lat1r) / 2);
        double a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
    }

    // ---- shapes ----------------------------------------------------------------------------

    /** GeoShape: centre, unit conversion, and a radius or a width/height box (in the unit). */
    static final class Shape {
        boolean box;
        double lon, lat, conversion, radius, width, height;
        final double[] bounds = new double[4];
    }

    private static void boundingBox(Shape s) {
        double height = s.conversion * (s.box ? s.height / 2 : s.radius);
        double width = s.conversion * (s.box ? s.width / 2 : s.radius);
        double latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
        double longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat + latDelta)));
        double longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat - latDelta)));
        boolean south = s.lat < 0;
        s.bounds[0] = south ? s.lon - longDeltaBottom : s.lon - longDeltaTop;
        s.bounds[2] = south ? s.lon + longDeltaBottom : s.lon + longDeltaTop;
        s.bounds[1] = s.lat - latDelta;
        s.bounds[3] = s.lat + latDelta;
    }

    /**
     * geohashCalculateAreasByShapeWGS84: the 9 boxes to scan as {bits, step} pairs in Redis's
     * order (centre, N, S, E, W, NE, NW, SE, SW); a pruned neighbour is {0, 0}.
     */
    static long[][] areas(Shape s) {
        boundingBox(s);
        double minLon = s.bounds[0], minLat = s.bounds[1], maxLon = s.bounds[2], maxLat = s.bounds[3];
        double radiusMeters = s.box
                ? Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2))
                : s.radius;
        radiusMeters *= s.conversion;
        int steps = estimateSteps(radiusMeters, s.lat);
        long hash = encodeWgs84(s.lon, s.lat, steps);
        long[] nb = neighbours(hash, steps);
        double[] area = decodeArea(hash, steps);
        boolean decrease = false;
        double[] north = decodeArea(nb[0], steps), south = decodeArea(nb[1], steps);
        double[] east = decodeArea(nb[2], steps), west = decodeArea(nb[3], steps);
        if (north[3] < maxLat) decrease = true;
        if (south[2] > minLat) decrease = true;
        if (east[1] < maxLon) decrease = true;
        if (west[0] > minLon) decrease = true;
        if (steps > 1 && decrease) {
            steps--;
            hash = encodeWgs84(s.lon, s.lat, steps);
            nb = neighbours(hash, steps);
            area = decodeArea(hash, steps);
        }
        // nb: 0 N, 1 S, 2 E, 3 W, 4 NE, 5 NW, 6 SE, 7 SW
        boolean[] zero = new boolean[8];
        if (steps >= 2) {
            if (area[2] < minLat) zero[1] = zero[7] = zero[6] = true;
            if (area[3] > maxLat) zero[0] = zero[4] = zero[5] = true;
            if (area[0] < minLon) zero[3] = zero[7] = zero[5] = true;
            if (area[1] > maxLon) zero[2] = zero[6] = zero[4] = true;
        }
        long[][] out = new long[9][];
        out[0] = new long[] {hash, steps};
        for (int i = 0; i < 8; i++) out[i + 1] = zero[i] ? new long[] {0, 0} : new long[] {nb[i], steps};
        return out;
    }

    private static long[] neighbours(long h, int step) {
        return new long[] {
            moveY(h, step, 1),                       // north
            moveY(h, step, -1),                      // south
            moveX(h, step, 1),                       // east
            moveX(h, step, -1),                      // west
            moveY(moveX(h, step, 1), step, 1),       // north east
            moveY(moveX(h, step, -1), step, 1),      // north west
            moveY(moveX(h, step, 1), step, -1),      // south east
            moveY(moveX(h, step, -1), step, -1),     // south west
        };
    }

    record Point(Bytes member, double score, double lon, double lat, double[] dist) {
    }

    /** geoWithinShape: the point's distance from the centre if inside the shape, else NaN. */
    private static double within(Shape s, double lon, double lat) {
        if (!s.box) {
            double d = distance(s.lon, s.lat, lon, lat);
            return d > s.radius * s.conversion ? Double.NaN : d;
        }
        double widthM = s.width * s.conversion, heightM = s.height * s.conversion;
        if (latDistance(lat, s.lat) > heightM / 2) return Double.NaN;
        if (distance(lon, lat, s.lon, lat) > widthM / 2) return Double.NaN;
        return distance(s.lon, s.lat, lon, lat);
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
        c.server().commands().lookup("zadd").handler().execute(c, zargv);
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
    private static void search(Client c, byte[][] a, int srcKeyIndex, int flags) {
        Database db = c.db();
        byte[] storeKey = null;
        boolean storeDist = false;
        ZSetValue z = zsetRead(c, a[srcKeyIndex]);
        Shape shape = new Shape();
        int baseArgs;
        if ((flags & RADIUS_COORDS) != 0) {
            baseArgs = 6;
            double[] xy = lonLat(a[2], a[3]);
            shape.lon = xy[0];
            shape.lat = xy[1];
            parseDistance(shape, a[4], a[5]);
        } else if ((flags & RADIUS_MEMBER) != 0 && z == null) {
            baseArgs = 5;
        } else if ((flags & RADIUS_MEMBER) != 0) {
            baseArgs = 5;
            fromMember(shape, z, a[2]);
            parseDistance(shape, a[3], a[4]);
        } else {
            baseArgs = 2;
            if ((flags & GEOSEARCHSTORE) != 0) {
                baseArgs = 3;
                storeKey = a[1];
            }
        }
        boolean withDist = false, withHash = false, withCoords = false;
        boolean fromMember = false, fromLoc = false, byRadius = false, byBox = false, any = false;
        int sort = SORT_NONE;
        long count = 0;
        boolean geosearch = (flags & GEOSEARCH) != 0;
        int remaining = a.length - baseArgs;
        for (int i = 0; i < remaining; i++) {
            byte[] arg = a[baseArgs + i];
            if (Args.is(arg, "withdist")) {
                withDist = true;
            } else if (Args.is(arg, "withhash")) {
                withHash = true;
            } else if (Args.is(arg, "withcoord")) {
                withCoords = true;
            } else if (Args.is(arg, "any")) {
                any = true;
            } else if (Args.is(arg, "asc")) {
                sort = SORT_ASC;
            } else if (Args.is(arg, "desc")) {
                sort = SORT_DESC;
            } else if (Args.is(arg, "count") && i + 1 < remaining) {
                Long n = io.cachelab.engine.type.Numbers.parseLongStrict(a[baseArgs + i + 1]);
                if (n == null) throw new RedisError("ERR value is not an integer or out of range");
                if (n <= 0) throw new RedisError("ERR COUNT must be > 0");
                count = n;
                i++;
            } else if (Args.is(arg, "store") && i + 1 < remaining && (flags & RADIUS_NOSTORE) == 0 && !geosearch) {
                storeKey = a[baseArgs + i + 1];
                storeDist = false;
                i++;
            } else if (Args.is(arg, "storedist") && i + 1 < remaining && (flags & RADIUS_NOSTORE) == 0 && !geosearch) {
                storeKey = a[baseArgs + i + 1];
                storeDist = true;
                i++;
            } else if (Args.is(arg, "storedist") && geosearch && (flags & GEOSEARCHSTORE) != 0) {
                storeDist = true;
            } else if (Args.is(arg, "frommember") && i + 1 < remaining && geosearch && !fromLoc) {
                if (z != null) fromMember(shape, z, a[baseArgs + i + 1]);
                fromMember = true;
                i++;
            } else if (Args.is(arg, "fromlonlat") && i + 2 < remaining && geosearch && !fromMember) {
                double[] xy = lonLat(a[baseArgs + i + 1], a[baseArgs + i + 2]);
                shape.lon = xy[0];
                shape.lat = xy[1];
                fromLoc = true;
                i += 2;
            } else if (Args.is(arg, "byradius") && i + 2 < remaining && geosearch && !byBox) {
                parseDistance(shape, a[baseArgs + i + 1], a[baseArgs + i + 2]);
                shape.box = false;
                byRadius = true;
                i += 2;
            } else if (Args.is(arg, "bybox") && i + 3 < remaining && geosearch && !byRadius) {
                double w = parseDouble(a[baseArgs + i + 1], "ERR need numeric width");
                double h = parseDouble(a[baseArgs + i + 2], "ERR need numeric height");
                if (h < 0 || w < 0) throw new RedisError("ERR height or width cannot be negative");
                shape.conversion = unit(a[baseArgs + i + 3]);
                shape.width = w;
                shape.height = h;
                shape.box = true;
                byBox = true;
                i += 3;
            } else {
                throw RedisError.SYNTAX;
            }
        }
        if (storeKey != null && (withDist || withHash || withCoords)) {
            throw new RedisError("ERR " + ((flags & GEOSEARCHSTORE) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                    + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
        }
        String name = new String(a[0], StandardCharsets.UTF_8);
        if (geosearch && !(fromMember || fromLoc)) {
            throw new RedisError("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + name);
        }
        if (geosearch && !(byRadius || byBox)) {
            throw new RedisError("ERR exactly one of BYRADIUS and BYBOX can be specified for " + name);
        }
        if (any && count == 0) throw new RedisError("ERR the ANY argument requires COUNT argument");

        if (z == null) {
            if (storeKey != null) {
                deleteStore(c, new Bytes(storeKey));
                c.addInteger(0);
            } else {
                c.addArrayLen(0);
            }
            return;
        }
        if (count != 0 && sort == SORT_NONE && !any) sort = SORT_ASC;
        long[][] boxes = areas(shape);
        List<Point> found = new ArrayList<>();
        membersOfAllNeighbours(z, boxes, shape, found, any ? count : 0);
        if (found.isEmpty() && storeKey == null) {
            c.addArrayLen(0);
            return;
        }
        int resultLength = found.size();
        int returned = count == 0 || resultLength < count ? resultLength : (int) count;
        if (sort != SORT_NONE) {
            Comparator<Point> cmp = Comparator.comparingDouble(p -> p.dist()[0]);
            found.sort(sort == SORT_ASC ? cmp : cmp.reversed());
        }
        if (storeKey == null) {
            int options = (withDist ? 1 : 0) + (withCoords ? 1 : 0) + (withHash ? 1 : 0);
            c.addArrayLen(returned);
            for (int i = 0; i < returned; i++) {
                Point p = found.get(i);
                double dist = p.dist()[0] / shape.conversion;
                if (options > 0) c.addArrayLen(options + 1);
                c.addBulk(p.member());
                if (withDist) c.addBulk(distanceText(dist));
                if (withHash) c.addInteger((long) p.score());
                if (withCoords) {
                    c.addArrayLen(2);
                    addHuman(c, p.lon());
                    addHuman(c, p.lat());
                }
            }
            return;
        }
        Bytes dst = new Bytes(storeKey);
        if (returned > 0) {
            ZSetValue out = new ZSetValue(configInt(c, "zset-max-listpack-entries", 128),
                    configInt(c, "zset-max-listpack-value", 64));
            for (int i = 0; i < returned; i++) {
                Point p = found.get(i);
                out.insert(p.member(), storeDist ? p.dist()[0] / shape.conversion : p.score());
            }
            out.fitEncoding();
            db.set(dst, out);
            c.server().notifyKeyspaceEvent(Notify.ZSET, geosearch ? "geosearchstore" : "georadiusstore", dst, db.id());
            c.server().addDirty(Math.max(0, returned - 1));
        } else {
            deleteStore(c, dst);
        }
        c.addInteger(returned);
    }

    private static int configInt(Client c, String name, int fallback) {
        return c.server().config().exists(name) ? c.server().config().getInt(name) : fallback;
    }

    private static void deleteStore(Client c, Bytes key) {
        if (c.db().delete(key)) c.server().notifyKeyspaceEvent(Notify.GENERIC, "del", key, c.db().id());
    }

    private static void fromMember(Shape shape, ZSetValue z, byte[] member) {
        Double score = z.score(new Bytes(member));
        if (score == null) throw new RedisError("ERR could not decode requested zset member");
        double[] xy = decodeScore(score);
        shape.lon = xy[0];
        shape.lat = xy[1];
    }

    private static void parseDistance(Shape shape, byte[] dist, byte[] unit) {
        double d = parseDouble(dist, "ERR need numeric radius");
        if (d < 0) throw new RedisError("ERR radius cannot be negative");
        shape.radius = d;
        shape.conversion = unit(unit);
        shape.box = false;
    }
}
