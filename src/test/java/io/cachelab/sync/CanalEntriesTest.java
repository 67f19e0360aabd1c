package io.cachelab.sync;

import com.alibaba.otter.canal.protocol.CanalEntry;
import com.alibaba.otter.canal.protocol.CanalEntry.Column;
import com.alibaba.otter.canal.protocol.CanalEntry.EntryType;
import com.alibaba.otter.canal.protocol.CanalEntry.EventType;
import com.alibaba.otter.canal.protocol.CanalEntry.RowChange;
import com.alibaba.otter.canal.protocol.CanalEntry.RowData;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The binlog-to-event mapping on real canal.protocol 1.1.8 objects, built the way the Canal server
 * builds them (header + serialized RowChange), so each rule is pinned without a server: which
 * entries count, where the id comes from for each kind, column maps with SQL NULL, positions.
 */
class CanalEntriesTest {
    static final long EXECUTED = 1_795_000_000_000L;

    @Test
    void updateGivesOneEventPerRowWithBothImagesAndItsPosition() {
        RowChange change = RowChange.newBuilder().setEventType(EventType.UPDATE)
                .addRowDatas(row(cols("id", "7", "title", "old"), cols("id", "7", "title", "new")))
                .addRowDatas(row(cols("id", "8", "title", "a"), cols("id", "8", "title", null)))
                .build();
        List<CanalEntries.Row> rows = CanalEntries.rows(entry("article", EventType.UPDATE, 4_242, change));

        assertThat(rows).hasSize(2);
        CanalEntries.Row first = rows.get(0);
        assertThat(first.event()).isEqualTo(new ChangeEvent("article", ChangeEvent.Kind.UPDATE, 7,
                map("id", "7", "title", "old"), map("id", "7", "title", "new")));
        assertThat(first.position()).isEqualTo("bin.000003:4242#0");
        assertThat(first.executeTime()).isEqualTo(EXECUTED);
        assertThat(rows.get(1).event().id()).isEqualTo(8);
        assertThat(rows.get(1).event().after()).containsEntry("title", null);
        assertThat(rows.get(1).position()).isEqualTo("bin.000003:4242#1");
    }

    @Test
    void insertTakesTheIdFromTheAfterImageAndDeleteFromTheBeforeImage() {
        var insert = CanalEntries.rows(entry("article", EventType.INSERT, 10,
                RowChange.newBuilder().setEventType(EventType.INSERT).addRowDatas(row(cols(), cols("id", "1001", "title", "t"))).build()));
        var delete = CanalEntries.rows(entry("article", EventType.DELETE, 20,
                RowChange.newBuilder().setEventType(EventType.DELETE).addRowDatas(row(cols("id", "12", "title", "t"), cols())).build()));
        assertThat(insert).singleElement().satisfies(r -> {
            assertThat(r.event().kind()).isEqualTo(ChangeEvent.Kind.INSERT);
            assertThat(r.event().id()).isEqualTo(1001);
            assertThat(r.event().before()).isEmpty();
        });
        assertThat(delete).singleElement().satisfies(r -> {
            assertThat(r.event().kind()).isEqualTo(ChangeEvent.Kind.DELETE);
            assertThat(r.event().id()).isEqualTo(12);
            assertThat(r.event().after()).isEmpty();
        });
    }

    @Test
    void transactionMarkersDdlAndTablesWithoutANumericIdGiveNothing() {
        CanalEntry.Entry begin = CanalEntry.Entry.newBuilder().setEntryType(EntryType.TRANSACTIONBEGIN)
                .setHeader(header("article", EventType.QUERY, 1)).build();
        RowChange ddl = RowChange.newBuilder().setEventType(EventType.ALTER).setIsDdl(true)
                .setSql("ALTER TABLE article ADD COLUMN x INT").build();
        RowChange noId = RowChange.newBuilder().setEventType(EventType.UPDATE)
                .addRowDatas(row(cols("phone", "1", "nickname", "a"), cols("phone", "1", "nickname", "b"))).build();
        RowChange textId = RowChange.newBuilder().setEventType(EventType.UPDATE)
                .addRowDatas(row(cols("id", "abc"), cols("id", "abc"))).build();

        assertThat(CanalEntries.rows(begin)).isEmpty();
        assertThat(CanalEntries.rows(entry("article", EventType.ALTER, 2, ddl))).isEmpty();
        assertThat(CanalEntries.rows(entry("settings", EventType.UPDATE, 3, noId))).isEmpty();
        assertThat(CanalEntries.rows(entry("tags", EventType.UPDATE, 4, textId))).isEmpty();
    }

    @Test
    void anUnreadableRowChangeFailsWithItsPosition() {
        CanalEntry.Entry broken = CanalEntry.Entry.newBuilder().setEntryType(EntryType.ROWDATA)
                .setHeader(header("article", EventType.UPDATE, 99)).setStoreValue(ByteString.copyFromUtf8("\u00ff\u00ff not protobuf")).build();
        assertThatThrownBy(() -> CanalEntries.rows(broken)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bin.000003:99");
    }

    // ---------------------------------------------------------------- builders

    static CanalEntry.Entry entry(String table, EventType type, long offset, RowChange change) {
        return CanalEntry.Entry.newBuilder().setEntryType(EntryType.ROWDATA).setHeader(header(table, type, offset))
                .setStoreValue(change.toByteString()).build();
    }

    static CanalEntry.Header header(String table, EventType type, long offset) {
        return CanalEntry.Header.newBuilder().setLogfileName("bin.000003").setLogfileOffset(offset).setSchemaName("cachelab")
                .setTableName(table).setEventType(type).setExecuteTime(EXECUTED).build();
    }

    static RowData row(List<Column> before, List<Column> after) {
        return RowData.newBuilder().addAllBeforeColumns(before).addAllAfterColumns(after).build();
    }

    static List<Column> cols(String... nameValue) {
        List<Column> cols = new java.util.ArrayList<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            Column.Builder c = Column.newBuilder().setIndex(i / 2).setName(nameValue[i]).setIsKey(nameValue[i].equals("id"));
            if (nameValue[i + 1] == null) c.setIsNull(true);
            else c.setValue(nameValue[i + 1]);
            cols.add(c.build());
        }
        return cols;
    }

    static Map<String, String> map(String... nameValue) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) m.put(nameValue[i], nameValue[i + 1]);
        return m;
    }
}
