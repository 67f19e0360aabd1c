package io.cachelab.sync;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Canal's flatMessage JSON to events, on messages shaped like the ones canal-server 1.1.7 publishes
 * (field names and string-typed values as in its FlatMessage class): the before image of an UPDATE
 * is {@code data} overlaid with {@code old}; DDL and non-row types give nothing; garbage is Malformed.
 */
class FlatMessagesTest {
    final FlatMessages parser = new FlatMessages();

    @Test
    void updateRebuildsTheBeforeImageFromOld() {
        String msg = """
                {"data":[{"id":"21","title":"new","author":"a"},{"id":"22","title":"x2","author":null}],
                 "database":"cachelab","es":1795246203000,"id":7,"isDdl":false,
                 "mysqlType":{"id":"bigint","title":"varchar(200)","author":"varchar(64)"},
                 "old":[{"title":"old"},{"author":"b"}],"pkNames":["id"],"sql":"",
                 "sqlType":{"id":-5,"title":12,"author":12},"table":"article","ts":1795246203120,"type":"UPDATE"}""";
        FlatMessages.Parsed p = parser.parse(msg);
        assertThat(p.executeTime()).isEqualTo(1_795_246_203_000L);
        assertThat(p.events()).hasSize(2);
        ChangeEvent first = p.events().get(0);
        assertThat(first.table()).isEqualTo("article");
        assertThat(first.kind()).isEqualTo(ChangeEvent.Kind.UPDATE);
        assertThat(first.id()).isEqualTo(21);
        assertThat(first.before()).isEqualTo(Map.of("id", "21", "title", "old", "author", "a"));
        assertThat(first.after()).isEqualTo(Map.of("id", "21", "title", "new", "author", "a"));
        assertThat(p.events().get(1).before()).containsEntry("author", "b");
        assertThat(p.events().get(1).after()).containsEntry("author", null);
    }

    @Test
    void insertAndDeleteUseDataAsAfterAndBeforeImage() {
        var insert = parser.parse("{\"data\":[{\"id\":\"6001\",\"title\":\"t\"}],\"table\":\"article\",\"type\":\"INSERT\",\"isDdl\":false,\"old\":null}");
        var delete = parser.parse("{\"data\":[{\"id\":\"12\",\"title\":\"t\"}],\"table\":\"article\",\"type\":\"DELETE\",\"isDdl\":false}");
        assertThat(insert.events()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(ChangeEvent.Kind.INSERT);
            assertThat(e.id()).isEqualTo(6001);
            assertThat(e.before()).isEmpty();
        });
        assertThat(delete.events()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(ChangeEvent.Kind.DELETE);
            assertThat(e.id()).isEqualTo(12);
            assertThat(e.after()).isEmpty();
        });
        assertThat(insert.executeTime()).isZero();
    }

    @Test
    void ddlOtherTypesAndRowsWithoutANumericIdGiveNothing() {
        assertThat(parser.parse("{\"data\":null,\"table\":\"article\",\"type\":\"ALTER\",\"isDdl\":true,\"sql\":\"ALTER TABLE article ADD x INT\"}")
                .events()).isEmpty();
        assertThat(parser.parse("{\"data\":null,\"table\":\"article\",\"type\":\"TRUNCATE\",\"isDdl\":false}").events()).isEmpty();
        assertThat(parser.parse("{\"data\":[{\"phone\":\"1\"}],\"table\":\"settings\",\"type\":\"UPDATE\",\"isDdl\":false}").events()).isEmpty();
    }

    @Test
    void garbageIsMalformed() {
        assertThatThrownBy(() -> parser.parse("not json at all")).isInstanceOf(FlatMessages.Malformed.class);
        assertThatThrownBy(() -> parser.parse("{\"hello\":1}")).isInstanceOf(FlatMessages.Malformed.class)
                .hasMessageContaining("no table/type");
    }
}
