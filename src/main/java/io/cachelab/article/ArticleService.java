package io.cachelab.article;

import com.baomidou.mybatisplus.core.metadata.OrderItem;
import com.baomidou.mybatisplus.extension.plugins.pagination.Page;
import io.cachelab.sync.ChangeEvent;
import io.cachelab.sync.ChangeRecorder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Database access for articles: caching wraps this service from the outside, so every call here is
 * a real round trip that the query counter sees. Writes tell the ChangeRecorder what changed, inside
 * their transaction; the configured consistency mode decides when the cache hears of it (after the
 * commit by default, twice with a delay, or not at all in the write path when the binlog does it). Package-private until a caller
 * outside the package needs it.
 */
@Service
class ArticleService {
    static final int MAX_PAGE_SIZE = 100;
    /** Rows per multi-row INSERT: large enough to amortise round trips, small enough for any driver. */
    static final int GENERATE_CHUNK = 1_000;
    static final int MAX_GENERATE = 1_000_000;

    private final ArticleMapper mapper;
    private final ChangeRecorder recorder;

    ArticleService(ArticleMapper mapper, ChangeRecorder recorder) {
        this.mapper = mapper;
        this.recorder = recorder;
    }

    Optional<Article> find(long id) {
        return Optional.ofNullable(mapper.selectById(id));
    }

    /** Pages are 1-based, newest id first. */
    ArticlePage page(long page, long size) {
        if (page < 1) {
            throw new IllegalArgumentException("page must be >= 1");
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("size must be between 1 and " + MAX_PAGE_SIZE);
        }
        Page<Article> result = mapper.selectPage(Page.<Article>of(page, size).addOrder(
                OrderItem.desc("id")), null);
        return new ArticlePage(result.getRecords(), page, size, result.getTotal());
    }

    /** Inserts and returns the article with its generated id. */
    @Transactional
    Article create(Article article) {
        article.setId(null);
        if (article.getViewCount() == null) {
            article.setViewCount(0L);
        }
        if (article.getLikeCount() == null) {
            article.setLikeCount(0L);
        }
        if (article.getStatus() == null) {
            article.setStatus(1);
        }
        mapper.insert(article);
        recorder.changed(ChangeEvent.of(ArticleSync.TABLE, ChangeEvent.Kind.INSERT, article.getId()));
        return article;
    }

    /** Updates the non-null fields of {@code changes}; false when no such article exists. */
    @Transactional
    boolean update(long id, Article changes) {
        changes.setId(id);
        changes.setCreatedAt(null);
        changes.setUpdatedAt(null);
        boolean updated = mapper.updateById(changes) == 1;
        if (updated) recorder.changed(ChangeEvent.of(ArticleSync.TABLE, ChangeEvent.Kind.UPDATE, id));
        return updated;
    }

    /** False when no such article exists. */
    @Transactional
    boolean delete(long id) {
        boolean deleted = mapper.deleteById(id) == 1;
        if (deleted) recorder.changed(ChangeEvent.of(ArticleSync.TABLE, ChangeEvent.Kind.DELETE, id));
        return deleted;
    }

    long count() {
        return mapper.selectCount(null);
    }

    /** Up to {@code limit} ids above {@code afterId}, ascending: for filling the Bloom filter in pages. */
    List<Long> idsAfter(long afterId, int limit) {
        return mapper.idsAfter(afterId, limit);
    }

    long maxId() {
        Long max = mapper.maxId();
        return max == null ? 0 : max;
    }

    /**
     * Adds {@code count} synthetic articles for benchmarks, in multi-row INSERTs of
     * {@value #GENERATE_CHUNK}; each chunk commits on its own so a large run never holds one huge
     * transaction. Returns the number of rows inserted.
     */
    long generate(int count) {
        if (count < 1 || count > MAX_GENERATE) {
            throw new IllegalArgumentException("count must be between 1 and " + MAX_GENERATE);
        }
        long inserted = 0;
        List<Article> chunk = new ArrayList<>(Math.min(count, GENERATE_CHUNK));
        long stamp = System.currentTimeMillis();
        for (int i = 1; i <= count; i++) {
            Article a = new Article("Generated " + stamp + "-" + i, "Generated article " + i,
                    "Generated content " + i + " for load tests.", "generator" + (i % 20 + 1));
            a.setViewCount(0L);
            a.setLikeCount(0L);
            a.setStatus(1);
            chunk.add(a);
            if (chunk.size() == GENERATE_CHUNK || i == count) {
                inserted += mapper.insertAll(chunk);
                chunk.clear();
            }
        }
        return inserted;
    }
}
