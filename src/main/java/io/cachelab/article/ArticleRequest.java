package io.cachelab.article;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The writable fields of an article; the sizes are the columns' (sql/schema.sql). */
record ArticleRequest(
        @NotBlank @Size(max = 200) String title,
        @Size(max = 500) String summary,
        @NotBlank @Size(max = 20_000) String content,
        @NotBlank @Size(max = 64) String author) {

    Article toArticle() {
        return new Article(title, summary == null ? "" : summary, content, author);
    }
}
