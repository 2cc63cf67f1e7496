package dev.breachresponse.keycloak.incident.jpa;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Inserts many rows as multi-row {@code INSERT ... VALUES (...), (...)} statements of up to {@link #ROWS} rows
 * (standard SQL: PostgreSQL, MariaDB, MySQL, H2, SQL Server, Oracle 23): one statement for a hundred rows costs
 * the database far less than a hundred single-row statements, even batched. Values are String, Long, Integer or
 * null (written as a null VARCHAR).
 */
final class MultiRowInsert {

    static final int ROWS = 100;

    private MultiRowInsert() {
    }

    static void insert(Connection c, String table, List<String> columns, List<Object[]> rows) throws SQLException {
        statements(c, "insert into", table, columns, rows, "", (ps, n) -> ps.executeUpdate());
    }

    /**
     * As {@link #insert}, each statement starting with {@code verb} ({@code "insert into"}, MariaDB's {@code "insert
     * ignore into"}) and ending in {@code tail} (a clause that makes the statement return rows, such as PostgreSQL's
     * {@code ON CONFLICT ... DO NOTHING RETURNING col} or MariaDB's {@code RETURNING col}); collects the first column
     * of what they return. {@code check} runs after each statement, on the same connection, with the number of rows
     * that statement sent and returned; it throws to reject the statement's outcome.
     *
     * @return the first column (as text) of every returned row, statement by statement
     */
    static List<String> insertReturning(Connection c, String verb, String table, List<String> columns, List<Object[]> rows, String tail,
                                        Check check) throws SQLException {
        List<String> returned = new ArrayList<>();
        statements(c, verb, table, columns, rows, " " + tail, (ps, n) -> {
            int before = returned.size();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    returned.add(rs.getString(1));
                }
            }
            check.after(c, n, returned.size() - before);
        });
        return returned;
    }

    /** What {@link #insertReturning} checks after each statement. */
    @FunctionalInterface
    interface Check {
        Check NONE = (c, sent, returned) -> { };

        /**
         * @param sent     rows the statement inserted or skipped
         * @param returned rows it returned
         * @throws SQLException to reject the outcome (the caller's transaction is then rolled back)
         */
        void after(Connection c, int sent, int returned) throws SQLException;
    }

    /** One statement run on a prepared, bound insert of {@code n} rows. */
    @FunctionalInterface
    private interface Run {
        void on(PreparedStatement ps, int n) throws SQLException;
    }

    /** Prepares, binds and runs the inserts of {@code rows}, up to {@link #ROWS} a statement, each ending in {@code tail}. */
    private static void statements(Connection c, String verb, String table, List<String> columns, List<Object[]> rows, String tail, Run run)
            throws SQLException {
        int i = 0;
        while (i < rows.size()) {
            int n = Math.min(ROWS, rows.size() - i);
            try (PreparedStatement ps = c.prepareStatement(sql(verb, table, columns, n) + tail)) {
                bind(ps, rows, i, n);
                run.on(ps, n);
            }
            i += n;
        }
    }

    private static void bind(PreparedStatement ps, List<Object[]> rows, int from, int n) throws SQLException {
        int p = 1;
        for (int r = from; r < from + n; r++) {
            for (Object v : rows.get(r)) {
                bind(ps, p++, v);
            }
        }
    }

    static String sql(String table, List<String> columns, int rows) {
        return sql("insert into", table, columns, rows);
    }

    static String sql(String verb, String table, List<String> columns, int rows) {
        String one = "(" + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
        return verb + " " + table + " (" + String.join(", ", columns) + ") values "
                + String.join(", ", Collections.nCopies(rows, one));
    }

    private static void bind(PreparedStatement ps, int p, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(p, Types.VARCHAR);
        } else if (v instanceof String s) {
            ps.setString(p, s);
        } else if (v instanceof Long l) {
            ps.setLong(p, l);
        } else if (v instanceof Integer n) {
            ps.setInt(p, n);
        } else {
            throw new IllegalArgumentException("unsupported value type " + v.getClass().getName());
        }
    }
}
