package io.cachelab.article;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The writable fields of an article; the sizes are the columns' (sql/schema.sql). */
record ArticleRequest(
        @Schema(example = "Cache-aside in five lines") @NotBlank @Size(max = 200) String title,
        @Schema(example = "Read the cache, fall back to the database, fill the cache") @Size(max = 500) String summary,
        @Schema(example = "On a miss the reader loads the row and writes it back with a jittered TTL.")
        @NotBlank @Size(max = 20_000) String content,
        @Schema(example = "cachelab") @NotBlank @Size(max = 64) String author) {

    Article toArticle() {
        return new Article(title, summary == null ? "" : summary, content, author);
    }
}
