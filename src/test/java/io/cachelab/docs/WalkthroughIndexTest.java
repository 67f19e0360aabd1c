package io.cachelab.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/walkthroughs/README.md is the index of the handbook's questions. It stays true only if its
 * links do: every link must name a file that exists and a heading in it (the anchor GitHub makes from
 * the heading's text), every walkthrough must be listed, and every question of the handbook must have
 * a row with at least one link.
 */
class WalkthroughIndexTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir"));
    static final Path DIR = ROOT.resolve("docs/walkthroughs");
    static final Path INDEX = DIR.resolve("README.md");
    static final Pattern LINK = Pattern.compile("\\[([^\\]]*)\\]\\(([^)\\s]+)\\)");
    static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*#*\\s*$");

    /** The handbook's questions, as the index's English column names them (issue 13). */
    static final List<String> HANDBOOK = List.of(
            "Data types", "Java clients", "Transactions", "Why single-threaded Redis is fast",
            "Blocking, non-blocking and multiplexed I/O; select, poll, epoll", "Redis 6's threaded I/O",
            "Usage scenarios", "Cache penetration", "Bloom filters", "Cache breakdown", "Cache avalanche",
            "Cache/database sync through an MQ or Canal", "Read-write lock", "Delayed double delete",
            "RDB vs AOF", "SAVE, BGSAVE and copy-on-write", "AOF fsync policies and rewrite",
            "Choosing between RDB and AOF", "Expiry", "Eviction policies", "LRU vs LFU", "Locks with SETNX and Lua",
            "Watchdog and reentrancy", "RedLock and ZooKeeper", "High availability", "Full and partial sync",
            "Sentinel", "Split brain", "Cluster and hash slots", "Gossip", "MOVED and ASK", "Failover and resharding",
            "Follows and common follows", "A feed by sorted set", "Daily sign-in and streaks with bitmaps");

    /** GitHub's heading anchor: lower case, punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "").replace("*", "");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
    }

    /** Anchors of a Markdown file's headings, outside fenced code; repeated ones get -1, -2, ... as on GitHub. */
    static Set<String> anchors(Path file) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : lines(file)) {
            if (line.startsWith("```") || line.startsWith("~~~")) {
                fenced = !fenced;
                continue;
            }
            Matcher h = HEADING.matcher(line);
            if (fenced || !h.matches()) continue;
            String base = slug(h.group(2));
            int n = seen.merge(base, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? base : base + "-" + n);
        }
        return anchors;
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void slugsAreGitHubs() {
        assertThat(slug("The Kafka variant (`cachelab.claims.queue=kafka`)")).isEqualTo("the-kafka-variant-cachelabclaimsqueuekafka");
        assertThat(slug("Watchdog vs. a fixed lease, measured")).isEqualTo("watchdog-vs-a-fixed-lease-measured");
        assertThat(slug("Try it: SET NX and a safe unlock")).isEqualTo("try-it-set-nx-and-a-safe-unlock");
        assertThat(slug("How the service's keys use hash tags")).isEqualTo("how-the-services-keys-use-hash-tags");
        assertThat(slug("Read-write lock_2 缓存穿透")).isEqualTo("read-write-lock_2-缓存穿透");
        assertThat(anchors(DIR.resolve("canal.md"))).contains("try-it-by-hand")
                .doesNotContain("update-cachelabarticle"); // a "### UPDATE" line inside a code block
    }

    @Test
    void everyLinkReachesAFileAndAHeading() {
        List<String> links = new ArrayList<>();
        Matcher m = LINK.matcher(String.join("\n", lines(INDEX)));
        while (m.find()) links.add(m.group(2));
        assertThat(links).hasSizeGreaterThan(HANDBOOK.size());
        for (String link : links) {
            String file = link.contains("#") ? link.substring(0, link.indexOf('#')) : link;
            Path target = DIR.resolve(file).normalize();
            assertThat(target).as(link).isRegularFile();
            if (link.contains("#")) {
                assertThat(anchors(target)).as(link).contains(link.substring(link.indexOf('#') + 1));
            }
        }
    }

    @Test
    void everyWalkthroughIsListed() throws IOException {
        Set<String> linked = new TreeSet<>();
        Matcher m = LINK.matcher(Files.readString(INDEX));
        while (m.find()) linked.add(m.group(2).replaceAll("#.*", ""));
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(DIR)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md") && !n.equals("README.md")).forEach(files::add);
        }
        assertThat(files).hasSizeGreaterThan(15);
        assertThat(linked).containsAll(files);
    }

    @Test
    void everyHandbookQuestionHasARowWithAnAnswerAndALink() {
        List<String> questions = new ArrayList<>();
        for (String line : lines(INDEX)) {
            if (!line.startsWith("| ") || line.startsWith("| ---") || line.startsWith("| 问题")) continue;
            String[] cells = line.substring(2, line.length() - 2).split(" \\| ");
            if (cells.length != 4) continue;
            questions.add(cells[1]);
            assertThat(cells[0]).as(line).matches(".*\\p{IsHan}.*");
            assertThat(cells[2]).as(line).hasSizeGreaterThan(30);
            assertThat(LINK.matcher(cells[3]).find()).as(line).isTrue();
        }
        assertThat(questions).containsExactlyElementsOf(HANDBOOK);
    }
}
