package io.cachelab.article;

import io.cachelab.cache.CacheResult;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Article reads through the cache (the strategy per request, the outcome in {@code X-Cache}) and
 * writes to the database, whose commit then evicts the cache. Counters, rankings and likes live in
 * {@link ArticleStatsController}.
 */
@Tag(name = "articles", description = "reads through the cache pattern library; writes need ADMIN")
@RestController
class ArticleController {
    static final String X_CACHE = "X-Cache";

    private final ArticleCache cache;
    private final ArticleService articles;

    ArticleController(ArticleCache cache, ArticleService articles) {
        this.cache = cache;
        this.articles = articles;
    }

    @Operation(summary = "One article, read through a cache strategy",
            description = "X-Cache tells how it was served: HIT, MISS, NULL (a cached absence), REJECTED "
                    + "(the Bloom filter says the id cannot exist), STALE (logical expiry, rebuild running).")
    @ApiResponse(responseCode = "200", description = "the article",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = Article.class)))
    @GetMapping(value = "/api/articles/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    void get(@PathVariable @Positive long id,
             @Parameter(description = "none, cache-aside, null-caching, bloom, mutex, logical-expiry, "
                     + "two-level, or bloom+<strategy>; default from configuration")
             @RequestParam(required = false) String strategy,
             HttpServletResponse response) throws IOException {
        // the cached JSON text is the answer as it is: no decoding into an Article and encoding it
        // again, and no message converter or content negotiation per read (produces= above answers a
        // request that does not accept JSON with 406 before this runs)
        CacheResult<String> r = cache.readJson(id, strategy);
        String outcome = r.outcome().name();
        if (r.value() == null) {
            ErrorResponseException absent = new ErrorResponseException(HttpStatus.NOT_FOUND,
                    ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "article " + id + " does not exist"), null);
            absent.getHeaders().set(X_CACHE, outcome);
            throw absent;
        }
        byte[] body = r.value().getBytes(StandardCharsets.UTF_8);
        response.setHeader(X_CACHE, outcome);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    @Operation(summary = "A page of articles, newest first (straight from the database)")
    @GetMapping("/api/articles")
    ArticlePage page(@RequestParam(defaultValue = "1") @Min(1) long page,
                     @RequestParam(defaultValue = "20") @Min(1) @Max(ArticleService.MAX_PAGE_SIZE) long size) {
        return articles.page(page, size);
    }

    @Operation(summary = "Create an article (ADMIN); its id joins the Bloom filter after commit")
    @PostMapping("/api/articles")
    ResponseEntity<Article> create(@Valid @RequestBody ArticleRequest request) {
        Article created = articles.create(request.toArticle());
        Article stored = articles.find(created.getId()).orElse(created);
        return ResponseEntity.created(ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}")
                .buildAndExpand(created.getId()).toUri()).body(stored);
    }

    @Operation(summary = "Replace an article's fields (ADMIN); the cache is evicted after commit, on every instance")
    @PutMapping("/api/articles/{id}")
    Article update(@PathVariable @Positive long id, @Valid @RequestBody ArticleRequest request) {
        if (!articles.update(id, request.toArticle())) throw notFound(id);
        return articles.find(id).orElseThrow(() -> notFound(id));
    }

    @Operation(summary = "Delete an article (ADMIN); the cache is evicted after commit")
    @DeleteMapping("/api/articles/{id}")
    ResponseEntity<Void> delete(@PathVariable @Positive long id) {
        if (!articles.delete(id)) throw notFound(id);
        return ResponseEntity.noContent().build();
    }

    record Generated(long inserted, long total, long bloomAdded) {
    }

    @Operation(summary = "Add N synthetic articles for benchmarks (ADMIN)")
    @PostMapping("/api/admin/articles/generate")
    Generated generate(@RequestParam @Min(1) @Max(ArticleService.MAX_GENERATE) int count) {
        long before = articles.maxId();
        long inserted = articles.generate(count);
        long added = cache.fillBloom(before);
        return new Generated(inserted, articles.count(), added);
    }

    static ResponseStatusException notFound(long id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "article " + id + " does not exist");
    }
}
