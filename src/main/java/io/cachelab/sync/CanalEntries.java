package io.cachelab.sync;

import com.alibaba.otter.canal.protocol.CanalEntry;
import com.google.protobuf.InvalidProtocolBufferException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Canal's protobuf entries to {@link ChangeEvent}s, kept apart from the client loop so the mapping
 * is testable on real protobuf objects without a server. Only row data counts: transaction
 * begin/end markers, DDL and queries carry nothing to evict. A row is ours when its table has an
 * {@code id} column holding an integer; anything else (a table keyed otherwise) is passed over.
 * Each event keeps its binlog position (file:offset#row) as a stable name for retries and dead
 * letters, and the entry's execute time for the lag.
 */
final class CanalEntries {
    record Row(ChangeEvent event, String position, long executeTime) {}

    private CanalEntries() {
    }

    static List<Row> rows(CanalEntry.Entry entry) {
        if (entry.getEntryType() != CanalEntry.EntryType.ROWDATA) return List.of();
        CanalEntry.RowChange change;
        try {
            change = CanalEntry.RowChange.parseFrom(entry.getStoreValue());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("unreadable row change at " + position(entry.getHeader(), -1), e);
        }
        if (change.getIsDdl()) return List.of();
        ChangeEvent.Kind kind = switch (change.getEventType()) {
            case INSERT -> ChangeEvent.Kind.INSERT;
            case UPDATE -> ChangeEvent.Kind.UPDATE;
            case DELETE -> ChangeEvent.Kind.DELETE;
            default -> null;
        };
        if (kind == null) return List.of();
        CanalEntry.Header h = entry.getHeader();
        List<Row> rows = new ArrayList<>(change.getRowDatasCount());
        for (int i = 0; i < change.getRowDatasCount(); i++) {
            CanalEntry.RowData data = change.getRowDatas(i);
            Map<String, String> before = columns(data.getBeforeColumnsList());
            Map<String, String> after = columns(data.getAfterColumnsList());
            Long id = ChangeEvent.rowId(kind == ChangeEvent.Kind.DELETE ? before : after);
            if (id == null) continue;
            rows.add(new Row(new ChangeEvent(h.getTableName(), kind, id, before, after), position(h, i), h.getExecuteTime()));
        }
        return rows;
    }

    static String position(CanalEntry.Header h, int row) {
        return h.getLogfileName() + ":" + h.getLogfileOffset() + "#" + row;
    }

    private static Map<String, String> columns(List<CanalEntry.Column> cols) {
        Map<String, String> m = new LinkedHashMap<>();
        for (CanalEntry.Column c : cols) m.put(c.getName(), c.getIsNull() ? null : c.getValue());
        return m;
    }
}
