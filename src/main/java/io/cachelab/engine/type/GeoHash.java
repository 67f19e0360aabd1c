package io.cachelab.engine.type;

/**
 * Geohash arithmetic, as Redis's geohash.c and geohash_helper.c: 52-bit interleaved WGS84 hashes
 * (the scores of a geo set), the step estimate for a search radius, the 9 boxes a search walks in
 * Redis's order, and the haversine distance with Redis's earth radius.
 */
public final class GeoHash {
    public static final double LONG_MIN = -180, LONG_MAX = 180;
    public static final double LAT_MIN = -85.05112878, LAT_MAX = 85.05112878;
    public static final int STEP_MAX = 26;
    public static final double EARTH_RADIUS_IN_METERS = 6372797.560856;
    public static final double MERCATOR_MAX = 20037726.37;
    static final double D_R = Math.PI / 180.0;

    private GeoHash() {
    }

    public static long interleave64(long xlo, long ylo) {
        final long[] b = {0x5555555555555555L, 0x3333333333333333L, 0x0F0F0F0F0F0F0F0FL, 0x00FF00FF00FF00FFL, 0x0000FFFF0000FFFFL};
        final int[] s = {1, 2, 4, 8, 16};
        long x = xlo & 0xffffffffL, y = ylo & 0xffffffffL;
        for (int i = 4; i >= 0; i--) {
            x = (x | (x << s[i])) & b[i];
            y = (y | (y << s[i])) & b[i];
        }
        return x | (y << 1);
    }

    public static long deinterleave64(long interleaved) {
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
    public static long encode(double lon, double lat, double lonMin, double lonMax, double latMin, double latMax, int step) {
        double latOffset = (lat - latMin) / (latMax - latMin);
        double lonOffset = (lon - lonMin) / (lonMax - lonMin);
        latOffset *= (double) (1L << step);
        lonOffset *= (double) (1L << step);
        return interleave64(toUint32(latOffset), toUint32(lonOffset));
    }

    private static long toUint32(double d) {
        return ((long) d) & 0xffffffffL;
    }

    public static long encodeWgs84(double lon, double lat, int step) {
        return encode(lon, lat, LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, step);
    }

    /** geohashDecode: {lonMin, lonMax, latMin, latMax} of the box. */
    public static double[] decodeArea(long bits, int step) {
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
    public static double[] decodeScore(double score) {
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

    public static long align52(long bits, int step) {
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

    public static int estimateSteps(double rangeMeters, double lat) {
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

    public static double degRad(double ang) {
        return ang * D_R;
    }

    public static double radDeg(double ang) {
        return ang / D_R;
    }

    public static double latDistance(double lat1d, double lat2d) {
        return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
    }

    public static double distance(double lon1d, double lat1d, double lon2d, double lat2d) {
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
    public static final class Shape {
        private boolean box;
        private double lon, lat, conversion, radius, width, height;
        private final double[] bounds = new double[4];

        public void center(double lon, double lat) {
            this.lon = lon;
            this.lat = lat;
        }

        /** A circle of {@code radius} units, {@code conversion} metres each. */
        public void radius(double radius, double conversion) {
            this.radius = radius;
            this.conversion = conversion;
            this.box = false;
        }

        /** A {@code width} x {@code height} box in units of {@code conversion} metres. */
        public void box(double width, double height, double conversion) {
            this.width = width;
            this.height = height;
            this.conversion = conversion;
            this.box = true;
        }

        public double conversion() {
            return conversion;
        }
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
    public static long[][] areas(Shape s) {
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

    /** geoWithinShape: the point's distance from the centre if inside the shape, else NaN. */
    public static double within(Shape s, double lon, double lat) {
        if (!s.box) {
            double d = distance(s.lon, s.lat, lon, lat);
            return d > s.radius * s.conversion ? Double.NaN : d;
        }
        double widthM = s.width * s.conversion, heightM = s.height * s.conversion;
        if (latDistance(lat, s.lat) > heightM / 2) return Double.NaN;
        if (distance(lon, lat, s.lon, lat) > widthM / 2) return Double.NaN;
        return distance(s.lon, s.lat, lon, lat);
    }
}
