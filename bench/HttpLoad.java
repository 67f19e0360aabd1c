/*
 * HttpLoad: the HTTP load generator of CacheLab's benchmarks, JDK 17 only, run by the single-file
 * source launcher (no build, no dependencies):
 *
 *   java bench/HttpLoad.java --url 'http://127.0.0.1:8080/api/articles/{id}?strategy=none' \
 *        --ids 1-1000 --concurrency 50 --warmup 5s --duration 20s
 *
 * Why it is shaped so: closed-loop workers, like wrk's connections: C platform threads, each sending
 * its next request when the previous one has been answered, over one shared java.net.http.HttpClient
 * speaking HTTP/1.1 with keep-alive (so at most C connections stay open). Each worker records into its
 * own histogram (no shared counters on the hot path) and the histograms are summed at the end. The
 * histogram is HdrHistogram's idea in a long array: microsecond values below 1,024 are exact, above
 * that each power of two is split into 512 buckets, so a reported percentile is at most 0.2 % above
 * the true value and never below it.
 *
 * Options (times take ms or s suffixes):
 *   --url T              URL template; {id} becomes a random id from --ids, {worker} the worker index
 *   --ids A-B            inclusive id range for {id} (default 1-1)
 *   --concurrency C      workers (default 16)
 *   --duration D         measured time (default 10s), or
 *   --requests N         a fixed number of measured requests instead of a duration
 *   --warmup D           load first for D without recording (default 0s)
 *   --method M           GET (default), POST, PUT, DELETE, ...
 *   --body S             request body ({id} and {worker} substituted); --content-type (default
 *                        application/json) is sent with it
 *   --header 'K: V'      a header on every request (repeatable)
 *   --worker-headers F   a file of 'K: V' lines; worker i sends line (i mod lines) on each request,
 *                        e.g. one bearer token per simulated user
 *   --count-header H     also count the values of response header H (e.g. X-Cache: HIT/MISS)
 *   --fail-on LIST       statuses that count as failures, codes or classes: 404,5xx (default 404,5xx);
 *                        connection errors and timeouts always count
 *   --max-fail-ratio R   exit 3 when more than R of the requests failed (default 0.01)
 *   --timeout D          per-request timeout (default 10s)
 *   --self-test          check the histogram arithmetic and exit
 *
 * Output: a readable report, then one line starting with RESULT (key=value pairs) for scripts.
 * Exit status: 0 ok, 1 bad usage or failed self-test, 3 too many failures (message on stderr).
 */

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

public class HttpLoad {

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--self-test")) {
            System.exit(Histogram.selfTest() ? 0 : 1);
        }
        Options o;
        try {
            o = Options.parse(args);
            request(o, o.idLow, 0);   // a bad URL or a header the client refuses (Host, Connection...) fails here
        } catch (IllegalArgumentException e) {
            System.err.println("HttpLoad: " + e.getMessage());
            System.err.println("usage: java bench/HttpLoad.java --url URL [--ids A-B] [--concurrency C] "
                    + "[--duration D | --requests N] [--warmup D] [options]; see the comment at the top of the file");
            System.exit(1);
            return;
        }
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        System.out.printf(Locale.ROOT, "HttpLoad: %s %s ids %d-%d, %d workers, %s (warm-up %.1f s)%n",
                o.method, o.url, o.idLow, o.idHigh, o.concurrency,
                o.requests > 0 ? o.requests + " requests" : String.format(Locale.ROOT, "%.1f s", o.durationNanos / 1e9),
                o.warmupNanos / 1e9);
        if (o.warmupNanos > 0) {
            Stats warm = run(client, o, o.warmupNanos, 0);
            if (warm.total() == 0 || warm.failRatio() > o.maxFailRatio) {
                System.out.println("warm-up   " + warm.total() + " requests, " + warm.statusSummary());
                failed(o, warm, "during warm-up");
            }
        }
        Stats s = run(client, o, o.requests > 0 ? Long.MAX_VALUE : o.durationNanos, o.requests);
        report(o, s);
        if (s.total() == 0 || s.failRatio() > o.maxFailRatio) {
            failed(o, s, "");
        }
    }

    /** Runs the workers until the time or the request budget is used up; returns their summed stats. */
    static Stats run(HttpClient client, Options o, long nanos, long requests) throws InterruptedException {
        AtomicLong budget = requests > 0 ? new AtomicLong(requests) : null;
        Stats[] perWorker = new Stats[o.concurrency];
        Thread[] threads = new Thread[o.concurrency];
        CountDownLatch start = new CountDownLatch(1);
        long[] window = new long[2];
        for (int w = 0; w < o.concurrency; w++) {
            Stats stats = perWorker[w] = new Stats();
            int worker = w;
            threads[w] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long deadline = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : window[0] + nanos;
                // every worker sends at least its first request, even when it is scheduled late on a busy
                // machine: each simulated user (e.g. one bearer token per worker) takes part in the run
                boolean first = true;
                while ((first || System.nanoTime() < deadline) && (budget == null || budget.getAndDecrement() > 0)) {
                    first = false;
                    if (!send(client, o, worker, stats)) {
                        return;
                    }
                }
            }, "load-" + w);
            threads[w].start();
        }
        window[0] = System.nanoTime();
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        window[1] = System.nanoTime();
        Stats sum = new Stats();
        for (Stats s : perWorker) {
            sum.add(s);
        }
        sum.elapsedNanos = window[1] - window[0];
        return sum;
    }

    /** One request, timed from before sending until the whole body was read; false when interrupted. */
    static boolean send(HttpClient client, Options o, int worker, Stats stats) {
        long id = o.idLow == o.idHigh ? o.idLow : ThreadLocalRandom.current().nextLong(o.idLow, o.idHigh + 1);
        HttpRequest request = request(o, id, worker);
        long t0 = System.nanoTime();
        try {
            HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
            long micros = (System.nanoTime() - t0) / 1_000;
            String counted = o.countHeader == null ? null : r.headers().firstValue(o.countHeader).orElse("(none)");
            stats.record(micros, r.statusCode(), counted, o.failsOn(r.statusCode()));
            return true;
        } catch (IOException e) {
            stats.error(e);
            return true;
        } catch (RuntimeException e) {
            // e.g. a CancellationException from the client's future: counted as an error like an I/O one,
            // not left to end the worker's thread with the request sent but never counted
            stats.error(new IOException(e.toString(), e));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static HttpRequest request(Options o, long id, int worker) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fill(o.url, id, worker))).timeout(o.timeout);
        if (o.body != null) {
            b.method(o.method, HttpRequest.BodyPublishers.ofString(fill(o.body, id, worker)));
            b.header("Content-Type", o.contentType);
        } else {
            b.method(o.method, HttpRequest.BodyPublishers.noBody());
        }
        for (String[] h : o.headers) {
            b.header(h[0], h[1]);
        }
        if (!o.workerHeaders.isEmpty()) {
            String[] h = o.workerHeaders.get(worker % o.workerHeaders.size());
            b.header(h[0], h[1]);
        }
        return b.build();
    }

    static String fill(String template, long id, int worker) {
        return template.replace("{id}", Long.toString(id)).replace("{worker}", Integer.toString(worker));
    }

    static void report(Options o, Stats s) {
        Histogram h = s.latency;
        double seconds = s.elapsedNanos / 1e9;
        double rps = s.total() / seconds;
        System.out.printf(Locale.ROOT, "requests  %d in %.2f s%n", s.total(), seconds);
        System.out.printf(Locale.ROOT, "req/s     %.1f%n", rps);
        System.out.printf(Locale.ROOT, "latency   p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms%n",
                h.percentile(50) / 1e3, h.percentile(90) / 1e3, h.percentile(99) / 1e3, h.percentile(99.9) / 1e3,
                h.max / 1e3);
        System.out.println("status    " + s.statusSummary());
        if (o.countHeader != null) {
            StringBuilder sb = new StringBuilder();
            s.headerValues.forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
            System.out.println(o.countHeader + "   " + sb.toString().trim());
        }
        System.out.printf(Locale.ROOT, "failures  %d (%.2f %%; limit %.2f %%)%s%n", s.failures(), s.failRatio() * 100,
                o.maxFailRatio * 100, s.firstError == null ? "" : "; first error: " + s.firstError);
        StringBuilder result = new StringBuilder(String.format(Locale.ROOT,
                "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f"
                        + " errors=%d failures=%d fail_ratio=%.4f",
                s.total(), seconds, rps, h.percentile(50) / 1e3, h.percentile(90) / 1e3, h.percentile(99) / 1e3,
                h.percentile(99.9) / 1e3, h.max / 1e3, s.errors, s.failures(), s.failRatio()));
        s.statusCounts().forEach((code, n) -> result.append(" status_").append(code).append('=').append(n));
        s.headerValues.forEach((k, v) -> result.append(" header_").append(k.replaceAll("\\s", "_")).append('=').append(v));
        System.out.println(result);
    }

    static void failed(Options o, Stats s, String when) {
        System.err.printf(Locale.ROOT, "HttpLoad: %s %s: %d of %d requests failed (%.2f %%, over the %.2f %% limit%s)%s: %s%s%n",
                o.method, o.url, s.failures(), s.total(), s.failRatio() * 100, o.maxFailRatio * 100,
                ", failing statuses " + o.failOnText, when.isEmpty() ? "" : " " + when,
                s.total() == 0 ? "no request completed" : s.statusSummary(),
                s.firstError == null ? "" : "; first error: " + s.firstError);
        System.exit(3);
    }

    /** What one worker (or, summed, the whole run) saw. */
    static final class Stats {
        final Histogram latency = new Histogram();
        final long[] status = new long[600];
        final Map<String, Long> headerValues = new TreeMap<>();
        long failedResponses;
        long errors;
        String firstError;
        long elapsedNanos;

        void record(long micros, int code, String headerValue, boolean failure) {
            latency.record(micros);
            status[code >= 0 && code < status.length ? code : 0]++;
            if (headerValue != null) {
                headerValues.merge(headerValue, 1L, Long::sum);
            }
            if (failure) {
                failedResponses++;
            }
        }

        void error(IOException e) {
            errors++;
            if (firstError == null) {
                firstError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
        }

        void add(Stats other) {
            latency.add(other.latency);
            for (int i = 0; i < status.length; i++) {
                status[i] += other.status[i];
            }
            other.headerValues.forEach((k, v) -> headerValues.merge(k, v, Long::sum));
            failedResponses += other.failedResponses;
            errors += other.errors;
            if (firstError == null) {
                firstError = other.firstError;
            }
        }

        long responses() {
            return latency.count;
        }

        long total() {
            return responses() + errors;
        }

        long failures() {
            return failedResponses + errors;
        }

        double failRatio() {
            return total() == 0 ? 1.0 : (double) failures() / total();
        }

        Map<Integer, Long> statusCounts() {
            Map<Integer, Long> m = new LinkedHashMap<>();
            for (int i = 0; i < status.length; i++) {
                if (status[i] > 0) {
                    m.put(i, status[i]);
                }
            }
            return m;
        }

        String statusSummary() {
            StringBuilder sb = new StringBuilder();
            statusCounts().forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
            if (errors > 0) {
                sb.append("io-errors=").append(errors);
            }
            return sb.length() == 0 ? "(none)" : sb.toString().trim();
        }
    }

    /**
     * Latency histogram in microseconds. Below 1,024 µs a bucket is one microsecond; from 2^k µs
     * (k >= 10) to 2^(k+1) µs there are 512 buckets of width 2^(k-9). Values are capped at 2^32 µs
     * (71 minutes), so the array has 1,024 + 22 * 512 longs.
     */
    static final class Histogram {
        static final int SUB = 512;
        static final long CAP = (1L << 32) - 1;
        final long[] counts = new long[2 * SUB + 22 * SUB];
        long count;
        long max;

        static int index(long micros) {
            long v = Math.min(Math.max(micros, 0), CAP);
            if (v < 2 * SUB) {
                return (int) v;
            }
            int shift = 63 - Long.numberOfLeadingZeros(v) - 9;   // keeps the top 10 bits: v >> shift in [512, 1024)
            return 2 * SUB + (shift - 1) * SUB + (int) ((v >> shift) - SUB);
        }

        /** The largest value that falls into bucket i. */
        static long highest(int i) {
            if (i < 2 * SUB) {
                return i;
            }
            int shift = (i - 2 * SUB) / SUB + 1;
            long top = (i - 2 * SUB) % SUB + SUB;
            return ((top + 1) << shift) - 1;
        }

        void record(long micros) {
            counts[index(micros)]++;
            count++;
            max = Math.max(max, micros);
        }

        void add(Histogram o) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += o.counts[i];
            }
            count += o.count;
            max = Math.max(max, o.max);
        }

        /** The smallest recorded value's bucket top at or above the given percentile, in microseconds. */
        long percentile(double p) {
            if (count == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(p / 100.0 * count));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return Math.min(highest(i), max);
                }
            }
            return max;
        }

        static boolean selfTest() {
            List<String> failures = new ArrayList<>();
            Histogram h = new Histogram();
            for (long v = 1; v <= 1000; v++) {
                h.record(v);
            }
            check(failures, "p50 of 1..1000", h.percentile(50), 500);
            check(failures, "p99 of 1..1000", h.percentile(99), 990);
            check(failures, "p100 of 1..1000", h.percentile(100), 1000);
            check(failures, "max of 1..1000", h.max, 1000);
            // every value lands in a bucket whose range holds it, at most 0.2 % wide, in increasing order
            int previous = -1;
            for (long v = 0; v < 5_000_000; v = v < 4096 ? v + 1 : v + 997) {
                int i = index(v);
                long hi = highest(i);
                long lo = i == 0 ? 0 : highest(i - 1) + 1;
                if (i < previous || v < lo || v > hi || (v >= 2 * SUB && (hi - lo + 1) * 500 > lo)) {
                    failures.add("value " + v + " in bucket " + i + " [" + lo + ", " + hi + "]");
                    break;
                }
                previous = i;
            }
            check(failures, "last bucket", index(CAP), h.counts.length - 1);
            Histogram big = new Histogram();
            big.record(1_234_567);
            long p = big.percentile(50);
            if (p < 1_234_567 || p > 1_234_567 * 1.002) {
                failures.add("p50 of one 1234567 µs value is " + p);
            }
            Histogram sum = new Histogram();
            sum.add(h);
            sum.add(big);
            check(failures, "count after add", sum.count, 1001);
            check(failures, "max after add", sum.max, 1_234_567);
            failures.forEach(f -> System.err.println("HttpLoad self-test: " + f));
            System.out.println(failures.isEmpty() ? "HttpLoad self-test: ok" : "HttpLoad self-test: FAILED");
            return failures.isEmpty();
        }

        static void check(List<String> failures, String what, long actual, long expected) {
            if (actual != expected) {
                failures.add(what + ": expected " + expected + ", got " + actual);
            }
        }
    }

    static final class Options {
        String url;
        long idLow = 1;
        long idHigh = 1;
        int concurrency = 16;
        long durationNanos = 10_000_000_000L;
        long requests;
        long warmupNanos;
        String method = "GET";
        String body;
        String contentType = "application/json";
        final List<String[]> headers = new ArrayList<>();
        final List<String[]> workerHeaders = new ArrayList<>();
        String countHeader;
        String failOnText = "404,5xx";
        final boolean[] failOn = new boolean[600];
        double maxFailRatio = 0.01;
        Duration timeout = Duration.ofSeconds(10);

        boolean failsOn(int code) {
            return code < 0 || code >= failOn.length || failOn[code];
        }

        static Options parse(String[] args) throws IOException {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String v = args[++i];
                switch (name) {
                    case "--url" -> o.url = v;
                    case "--ids" -> {
                        String[] r = v.split("-", 2);
                        o.idLow = Long.parseLong(r[0].trim());
                        o.idHigh = r.length > 1 ? Long.parseLong(r[1].trim()) : o.idLow;
                        if (o.idHigh < o.idLow) {
                            throw new IllegalArgumentException("--ids: empty range " + v);
                        }
                    }
                    case "--concurrency" -> o.concurrency = Integer.parseInt(v);
                    case "--duration" -> o.durationNanos = nanos(v);
                    case "--requests" -> o.requests = Long.parseLong(v);
                    case "--warmup" -> o.warmupNanos = nanos(v);
                    case "--method" -> o.method = v.toUpperCase(Locale.ROOT);
                    case "--body" -> o.body = v;
                    case "--content-type" -> o.contentType = v;
                    case "--header" -> o.headers.add(header(v));
                    case "--worker-headers" -> {
                        for (String line : Files.readAllLines(Path.of(v))) {
                            if (!line.isBlank()) {
                                o.workerHeaders.add(header(line));
                            }
                        }
                        if (o.workerHeaders.isEmpty()) {
                            throw new IllegalArgumentException("--worker-headers: no 'Name: value' line in " + v);
                        }
                    }
                    case "--count-header" -> o.countHeader = v;
                    case "--fail-on" -> o.failOnText = v;
                    case "--max-fail-ratio" -> o.maxFailRatio = Double.parseDouble(v);
                    case "--timeout" -> o.timeout = Duration.ofNanos(nanos(v));
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (o.url == null) {
                throw new IllegalArgumentException("--url is required");
            }
            if (o.concurrency < 1) {
                throw new IllegalArgumentException("--concurrency must be at least 1");
            }
            for (String part : o.failOnText.split(",")) {
                String p = part.trim().toLowerCase(Locale.ROOT);
                if (p.matches("[1-5]xx")) {
                    int base = (p.charAt(0) - '0') * 100;
                    for (int c = base; c < base + 100; c++) {
                        o.failOn[c] = true;
                    }
                } else if (p.matches("\\d{3}")) {
                    o.failOn[Integer.parseInt(p)] = true;
                } else if (!p.isEmpty()) {
                    throw new IllegalArgumentException("--fail-on: '" + part + "' is neither a status nor a class like 5xx");
                }
            }
            return o;
        }

        static String[] header(String line) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header '" + line + "' is not 'Name: value'");
            }
            return new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()};
        }

        static long nanos(String v) {
            String s = v.trim().toLowerCase(Locale.ROOT);
            if (s.endsWith("ms")) {
                return Long.parseLong(s.substring(0, s.length() - 2)) * 1_000_000L;
            }
            if (s.endsWith("s")) {
                return (long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1e9);
            }
            return (long) (Double.parseDouble(s) * 1e9);
        }
    }
}
