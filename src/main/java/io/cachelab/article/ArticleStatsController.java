package io.cachelab.article;

import io.cachelab.auth.AuthUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** Views, the hot ranking and likes: Redis counters, a sorted set and sets (see {@link ArticleStats}). */
@Tag(name = "article stats", description = "INCR counters, a ZSET ranking, SET likes")
@RestController
class ArticleStatsController {
    private final ArticleStats stats;

    ArticleStatsController(ArticleStats stats) {
        this.stats = stats;
    }

    @Operation(summary = "Count a view: INCR the article's counter and ZINCRBY the hot ranking")
    @PostMapping("/api/articles/{id}/views")
    ArticleStats.Views view(@PathVariable @Positive long id) {
        return stats.view(id);
    }

    @Operation(summary = "The most viewed articles (ZREVRANGE of the ranking), with titles")
    @GetMapping("/api/articles/hot")
    List<ArticleStats.Hot> hot(@RequestParam(defaultValue = "10") @Min(1) @Max(100) int limit) {
        return stats.hot(limit);
    }

    @Operation(summary = "Like an article (a user): SADD, so liking twice counts once")
    @PostMapping("/api/articles/{id}/likes")
    ArticleStats.Like like(@PathVariable @Positive long id, @AuthenticationPrincipal AuthUser user) {
        return stats.like(id, user.id());
    }

    @Operation(summary = "How many users like the article (SCARD)")
    @GetMapping("/api/articles/{id}/likes/count")
    ArticleStats.LikeCount likes(@PathVariable @Positive long id) {
        return stats.likeCount(id);
    }
}
