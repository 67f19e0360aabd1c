package io.cachelab.engine.command;

import io.cachelab.engine.type.GeoHash;
import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static io.cachelab.engine.command.RawJedis.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * GEO commands. The transcript in {@link #repliesAsRedis} was recorded from a real redis-server
 * 7.0.15 given the same commands (replies decoded as RawJedis decodes them), so the default suite
 * needs no redis-server; it pins geohash scores, the 4-decimal distances, the "%.17Lf" coordinate
 * text, result order and error texts.
 */
class GeoCommandsTest {
    static final TestEngine ENGINE = TestEngine.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @BeforeEach
    void flush() {
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
        }
    }

    private static void check(Jedis j, Object expected, String... command) {
        assertThat(call(j, command)).as(String.join(" ", command)).isEqualTo(expected);
    }

    @Test
    void repliesAsRedis() {
        try (Jedis j = ENGINE.jedis()) {
            check(j, 2L, "geoadd", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
            check(j, 1L, "geoadd", "Sicily", "ch", "xx", "13.361389", "38.115556", "Palermo", "15.1", "37.5", "Catania", "12", "37", "New");
            check(j, 1L, "geoadd", "Sicily", "ch", "nx", "13.361389", "38.115556", "Palermo", "15.1", "37.5", "Catania", "12.758489", "38.788135", "edge2");
            check(j, Arrays.asList("Palermo", "3479099956230698", "edge2", "3479273021651468", "Catania", "3479447216794612"), "zrange", "Sicily", "0", "-1", "withscores");
            check(j, Arrays.asList(Arrays.asList("13.36138933897018433", "38.11555639549629859"), Arrays.asList("15.10000258684158325", "37.4999993619508345"), null), "geopos", "Sicily", "Palermo", "Catania", "NonExisting");
            check(j, "167419.1402", "geodist", "Sicily", "Palermo", "Catania");
            check(j, "167.4191", "geodist", "Sicily", "Palermo", "Catania", "km");
            check(j, "104.0297", "geodist", "Sicily", "Palermo", "Catania", "mi");
            check(j, "549275.3943", "geodist", "Sicily", "Palermo", "Catania", "ft");
            check(j, null, "geodist", "Sicily", "Palermo", "Foo");
            check(j, Arrays.asList("sqc8b49rny0", "sqdtrdemrd0", null), "geohash", "Sicily", "Palermo", "Catania", "Foo");
            check(j, Arrays.asList(Arrays.asList("Catania", "56.3134", 3479447216794612L, Arrays.asList("15.10000258684158325", "37.4999993619508345")), Arrays.asList("Palermo", "190.4424", 3479099956230698L, Arrays.asList("13.36138933897018433", "38.11555639549629859"))), "georadius", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC");
            check(j, Arrays.asList("Palermo"), "georadius", "Sicily", "15", "37", "200", "km", "DESC", "COUNT", "1");
            check(j, Arrays.asList(Arrays.asList("Palermo", "0.0000"), Arrays.asList("edge2", "91.4007")), "georadiusbymember", "Sicily", "Palermo", "150", "km", "withdist");
            check(j, Arrays.asList("Palermo", "Catania"), "georadius_ro", "Sicily", "15", "37", "200", "km");
            check(j, Arrays.asList(Arrays.asList("Catania", "56.3134", Arrays.asList("15.10000258684158325", "37.4999993619508345")), Arrays.asList("Palermo", "190.4424", Arrays.asList("13.36138933897018433", "38.11555639549629859")), Arrays.asList("edge2", "279.7405", Arrays.asList("12.7584877610206604", "38.78813451624225195"))), "geosearch", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "WITHCOORD", "WITHDIST");
            check(j, Arrays.asList("Palermo"), "geosearch", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "100", "km", "COUNT", "1", "ANY");
            check(j, 2L, "geosearchstore", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST");
            check(j, Arrays.asList("Catania", "56.313445232282952", "Palermo", "190.44242984775784"), "zrange", "dst", "0", "-1", "withscores");
            check(j, 2L, "georadius", "Sicily", "15", "37", "200", "km", "STORE", "dst2");
            check(j, Arrays.asList("Palermo", "3479099956230698", "Catania", "3479447216794612"), "zrange", "dst2", "0", "-1", "withscores");
            check(j, "!ERR invalid longitude,latitude pair 200.000000,10.000000", "geoadd", "Sicily", "200", "10", "x");
            check(j, "!ERR invalid longitude,latitude pair 10.000000,86.000000", "geoadd", "Sicily", "10", "86", "x");
            check(j, "!ERR syntax error", "geoadd", "Sicily", "nx", "xx", "10", "10", "x");
            check(j, "!ERR wrong number of arguments for 'geoadd' command", "geoadd", "Sicily", "10", "10");
            check(j, "!ERR unsupported unit provided. please use M, KM, FT, MI", "geodist", "Sicily", "Palermo", "Catania", "parsec");
            check(j, "!ERR radius cannot be negative", "georadius", "Sicily", "15", "37", "-1", "km");
            check(j, "!ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options", "georadius", "Sicily", "15", "37", "200", "km", "STORE", "x", "WITHDIST");
            check(j, "!ERR syntax error", "georadius_ro", "Sicily", "15", "37", "200", "km", "STORE", "x");
            check(j, "!ERR wrong number of arguments for 'geosearch' command", "geosearch", "Sicily", "BYRADIUS", "1", "km");
            check(j, "!ERR wrong number of arguments for 'geosearch' command", "geosearch", "Sicily", "FROMLONLAT", "1", "1");
            check(j, "!ERR the ANY argument requires COUNT argument", "geosearch", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "ANY");
            check(j, "!ERR could not decode requested zset member", "geosearch", "Sicily", "FROMMEMBER", "nope", "BYRADIUS", "1", "km");
            check(j, "!ERR COUNT must be > 0", "georadius", "Sicily", "15", "37", "200", "km", "COUNT", "0");
            check(j, "!ERR height or width cannot be negative", "geosearch", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "-1", "1", "km");
            check(j, List.of(), "geosearch", "nokey", "FROMLONLAT", "1", "1", "BYBOX", "1", "1", "km");
            check(j, "OK", "set", "str", "x");
            check(j, "!WRONGTYPE Operation against a key holding the wrong kind of value", "geopos", "str", "a");
        }
    }

    @Test
    void radiusSearchFindsExactlyThePointsWithinTheRadius() {
        SplittableRandom rnd = new SplittableRandom(7);
        double[][] pts = new double[2000][];
        try (Jedis j = ENGINE.jedis()) {
            for (int i = 0; i < pts.length; i++) {
                pts[i] = new double[] {rnd.nextDouble(-10, 10), rnd.nextDouble(-10, 10)};
                call(j, "GEOADD", "pts", Double.toString(pts[i][0]), Double.toString(pts[i][1]), "p" + i);
            }
            for (int q = 0; q < 20; q++) {
                double lon = rnd.nextDouble(-8, 8), lat = rnd.nextDouble(-8, 8), km = rnd.nextDouble(10, 400);
                @SuppressWarnings("unchecked")
                List<Object> got = (List<Object>) call(j, "GEOSEARCH", "pts", "FROMLONLAT", Double.toString(lon),
                        Double.toString(lat), "BYRADIUS", Double.toString(km), "km", "ASC", "WITHDIST");
                Set<String> members = new HashSet<>();
                double last = -1;
                for (Object o : got) {
                    List<?> row = (List<?>) o;
                    members.add((String) row.get(0));
                    double d = Double.parseDouble((String) row.get(1));
                    assertThat(d).isGreaterThanOrEqualTo(last).isLessThanOrEqualTo(km + 0.0001);
                    last = d;
                }
                for (int i = 0; i < pts.length; i++) {
                    // 1 m of slack either side: stored points are snapped to their 52-bit geohash cell
                    double d = GeoHash.distance(lon, lat, pts[i][0], pts[i][1]) / 1000;
                    if (d < km - 0.001) assertThat(members).contains("p" + i);
                    if (d > km + 0.001) assertThat(members).doesNotContain("p" + i);
                }
            }
        }
    }

    @Test
    void geohashEncodingAndNumberFormats() {
        long bits = GeoHash.align52(GeoHash.encodeWgs84(13.361389, 38.115556, 26), 26);
        assertThat(bits).isEqualTo(3479099956230698L);
        double[] xy = GeoHash.decodeScore(bits);
        assertThat(GeoCommands.human(xy[0])).isEqualTo("13.36138933897018433");
        assertThat(GeoCommands.human(xy[1])).isEqualTo("38.11555639549629859");
        assertThat(GeoCommands.distanceText(0.00004)).isEqualTo("0.0000");
        assertThat(GeoCommands.distanceText(0.00016)).isEqualTo("0.0002");
        assertThat(GeoCommands.distanceText(12.5)).isEqualTo("12.5000");
        assertThat(GeoCommands.fixed(200, 6)).isEqualTo("200.000000");
    }
}
