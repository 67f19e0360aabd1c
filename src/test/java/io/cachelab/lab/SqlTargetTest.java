package io.cachelab.lab;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SqlTargetTest {

    @Test
    void readsTableAndKindOfEachStatement() {
        assertThat(SqlTarget.of("SELECT id,title FROM article WHERE id=?")).isEqualTo(new SqlTarget("article", "select"));
        assertThat(SqlTarget.of("SELECT COUNT(*) AS total FROM (SELECT id FROM `Article`) t"))
                .isEqualTo(new SqlTarget("article", "select"));
        assertThat(SqlTarget.of("INSERT INTO article (title) VALUES (?), (?)")).isEqualTo(new SqlTarget("article", "insert"));
        assertThat(SqlTarget.of("UPDATE coupon SET stock = stock - 1 WHERE id = ? AND stock > 0"))
                .isEqualTo(new SqlTarget("coupon", "update"));
        assertThat(SqlTarget.of("DELETE FROM coupon_claim WHERE id=?")).isEqualTo(new SqlTarget("coupon_claim", "delete"));
        assertThat(SqlTarget.of("SELECT a.id FROM article a JOIN app_user u ON u.id = a.id"))
                .isEqualTo(new SqlTarget("article", "select"));
        assertThat(SqlTarget.of("not sql at all")).isEqualTo(new SqlTarget("unknown", "unknown"));
    }
}
