package io.cachelab.lab;

import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.update.Update;

import java.util.Locale;

/**
 * What a SQL statement touches: its main table and kind, read by jsqlparser rather than by string
 * matching so that comments, quoting and subqueries cannot mislabel a query. For a SELECT the main
 * table is the first FROM item, looking through derived tables (MyBatis-Plus wraps count queries).
 */
public record SqlTarget(String table, String kind) {
    public static final String UNKNOWN = "unknown";

    public static SqlTarget of(String sql) {
        Statement statement;
        try {
            statement = CCJSqlParserUtil.parse(sql);
        } catch (JSQLParserException | RuntimeException e) {
            return new SqlTarget(UNKNOWN, UNKNOWN);
        }
        if (statement instanceof Select select) {
            return new SqlTarget(tableOf(select), "select");
        }
        if (statement instanceof Insert insert) {
            return new SqlTarget(name(insert.getTable()), "insert");
        }
        if (statement instanceof Update update) {
            return new SqlTarget(name(update.getTable()), "update");
        }
        if (statement instanceof Delete delete) {
            return new SqlTarget(name(delete.getTable()), "delete");
        }
        return new SqlTarget(UNKNOWN, "other");
    }

    private static String tableOf(Select select) {
        if (select instanceof PlainSelect plain) {
            return tableOf(plain.getFromItem());
        }
        if (select instanceof ParenthesedSelect parenthesed) {
            return tableOf(parenthesed.getSelect());
        }
        if (select.getSetOperationList() != null && !select.getSetOperationList().getSelects().isEmpty()) {
            return tableOf(select.getSetOperationList().getSelects().get(0));
        }
        return UNKNOWN;
    }

    private static String tableOf(FromItem from) {
        if (from instanceof Table table) {
            return name(table);
        }
        if (from instanceof Select inner) {
            return tableOf(inner);
        }
        return UNKNOWN;
    }

    private static String name(Table table) {
        if (table == null || table.getName() == null) {
            return UNKNOWN;
        }
        String name = table.getName();
        if (name.length() > 1 && (name.charAt(0) == '`' || name.charAt(0) == '"')) {
            name = name.substring(1, name.length() - 1);
        }
        return name.toLowerCase(Locale.ROOT);
    }
}
