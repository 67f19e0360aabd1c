package io.cachelab.article;

import com.baomidou.mybatisplus.core.MybatisConfiguration;
import com.baomidou.mybatisplus.extension.plugins.inner.PaginationInnerInterceptor;
import io.cachelab.lab.DbQueryCounter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.ibatis.builder.StaticSqlSource;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.mapping.SqlCommandType;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The article data layer on the default profile: H2 in MySQL mode built from sql/schema.sql and
 * sql/data.sql, MyBatis-Plus paging, and the query counter seeing each mapper call exactly once.
 * Ordered because the methods share one database: the seed is checked before anything writes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArticleServiceTest {
    static final int ENGINE_PORT = io.cachelab.engine.TestEngine.freePort();

    @DynamicPropertySource
    static void enginePort(DynamicPropertyRegistry registry) {
        registry.add("cachelab.engine.port", () -> ENGINE_PORT);
    }


    @Autowired
    ArticleService articles;
    @Autowired
    MeterRegistry meters;
    @Autowired
    JdbcTemplate jdbc;

    /** MyBatis-Plus's JVM-wide map of COUNT statements (protected, hence the subclass). */
    static final class SharedCounts extends PaginationInnerInterceptor {
        static final Map<String, MappedStatement> MAP = countMsCache;
    }

    double queries(String table, String kind) {
        Counter c = meters.find(DbQueryCounter.METRIC).tag("table", table).tag("kind", kind).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    @Order(1)
    void seedHasAThousandArticlesAndTheAdmin() {
        assertThat(articles.count()).isEqualTo(1_000L);
        Article first = articles.find(1).orElseThrow();
        assertThat(first.getTitle()).isEqualTo("Article 1");
        assertThat(first.getSummary()).isEqualTo("Summary of article 1");
        assertThat(first.getAuthor()).isEqualTo("author2");
        assertThat(first.getViewCount()).isEqualTo(37L);
        assertThat(first.getLikeCount()).isEqualTo(13L);
        assertThat(first.getStatus()).isEqualTo(1);
        assertThat(first.getCreatedAt()).isNotNull();
        assertThat(articles.find(1_000).orElseThrow().getTitle()).isEqualTo("Article 1000");
        assertThat(articles.find(1_001)).isEmpty();
        assertThat(jdbc.queryForObject("SELECT role FROM app_user WHERE phone = '13800000000'", String.class))
                .isEqualTo("ADMIN");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM coupon", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM coupon_claim", Long.class)).isZero();
    }

    @Test
    @Order(2)
    void pagesCarryTheTotalAndNewestFirst() {
        ArticlePage p1 = articles.page(1, 20);
        assertThat(p1.total()).isEqualTo(1_000L);
        assertThat(p1.pages()).isEqualTo(50L);
        assertThat(p1.items()).hasSize(20);
        assertThat(p1.items().get(0).getId()).isEqualTo(1_000L);
        assertThat(p1.items().get(19).getId()).isEqualTo(981L);

        ArticlePage last = articles.page(34, 30);
        assertThat(last.total()).isEqualTo(1_000L);
        assertThat(last.items()).extracting(Article::getId).containsExactly(10L, 9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);

        assertThat(articles.page(51, 20).items()).isEmpty();
        assertThatThrownBy(() -> articles.page(0, 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> articles.page(1, 101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Order(3)
    void createUpdateDelete() {
        Article created = articles.create(new Article("Cache-aside", "read through", "body", "ana"));
        // InnoDB may reserve ids in blocks after the seed's INSERT ... SELECT: only "after the seed" is promised
        assertThat(created.getId()).isGreaterThan(1_000L);
        Article read = articles.find(created.getId()).orElseThrow();
        assertThat(read.getTitle()).isEqualTo("Cache-aside");
        assertThat(read.getViewCount()).isZero();
        assertThat(read.getStatus()).isEqualTo(1);

        Article change = new Article();
        change.setTitle("Cache-aside, revisited");
        assertThat(articles.update(created.getId(), change)).isTrue();
        Article updated = articles.find(created.getId()).orElseThrow();
        assertThat(updated.getTitle()).isEqualTo("Cache-aside, revisited");
        assertThat(updated.getContent()).isEqualTo("body");
        assertThat(articles.update(99_999, change)).isFalse();

        assertThat(articles.delete(created.getId())).isTrue();
        assertThat(articles.find(created.getId())).isEmpty();
        assertThat(articles.delete(created.getId())).isFalse();
        assertThat(articles.count()).isEqualTo(1_000L);
    }

    @Test
    @Order(4)
    void everyMapperCallCountsOnceWithItsTableAndKind() {
        double selects = queries("article", "select");
        articles.find(5);
        assertThat(queries("article", "select")).isEqualTo(selects + 1);

        // paging runs two statements: the COUNT and the page itself, both counted here even when
        // another context of this JVM built MyBatis-Plus's shared COUNT statement first
        String countId = "io.cachelab.article.ArticleMapper.selectList_mpCount";
        MappedStatement foreign = new MappedStatement.Builder(new MybatisConfiguration(), countId,
                new StaticSqlSource(new MybatisConfiguration(), "SELECT 1"), SqlCommandType.SELECT).build();
        MappedStatement before = SharedCounts.MAP.put(countId, foreign);
        try {
            ArticlePage second = articles.page(2, 10);
            assertThat(second.total()).isEqualTo(1_000L);
            assertThat(second.items()).hasSize(10);
            assertThat(SharedCounts.MAP.get(countId)).isSameAs(foreign);
        } finally {
            if (before == null) SharedCounts.MAP.remove(countId);
            else SharedCounts.MAP.put(countId, before);
        }
        assertThat(queries("article", "select")).isEqualTo(selects + 3);

        double inserts = queries("article", "insert");
        double updates = queries("article", "update");
        double deletes = queries("article", "delete");
        Article a = articles.create(new Article("t", "s", "c", "a"));
        articles.update(a.getId(), new Article("t2", null, null, null));
        articles.delete(a.getId());
        assertThat(queries("article", "insert")).isEqualTo(inserts + 1);
        assertThat(queries("article", "update")).isEqualTo(updates + 1);
        assertThat(queries("article", "delete")).isEqualTo(deletes + 1);
        assertThat(queries("article", "select")).isEqualTo(selects + 3);
    }

    @Test
    @Order(5)
    void generateAddsRowsInChunks() {
        long before = articles.count();
        double inserts = queries("article", "insert");
        assertThat(articles.generate(10_000)).isEqualTo(10_000L);
        assertThat(articles.count()).isEqualTo(before + 10_000);
        // one multi-row INSERT per 1,000 rows
        assertThat(queries("article", "insert")).isEqualTo(inserts + 10);
        assertThat(articles.generate(1_500)).isEqualTo(1_500L);
        assertThat(articles.count()).isEqualTo(before + 11_500);
        assertThat(queries("article", "insert")).isEqualTo(inserts + 12);
        assertThatThrownBy(() -> articles.generate(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
