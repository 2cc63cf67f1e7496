package dev.breachresponse.keycloak.incident.jpa;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Supplier;

import jakarta.persistence.EntityManager;

import org.hibernate.Session;

/**
 * PostgreSQL keeps a generic plan for a prepared statement after five runs, and for the foreign-key checks its
 * triggers run, without looking at the table's size again until the next ANALYZE. A bulk job grows
 * {@code BR_FLAG} by 100,000 rows a minute: the check of each new history row against it, planned while the
 * table was small, scanned the table once per row (chunks slowed from 50 ms to 500 ms before the next ANALYZE),
 * and the existing-flag look-up could do the same. {@link #around} has PostgreSQL plan each statement with its
 * values for the duration of one piece of work, in this transaction only, then puts the setting back. Kept to
 * those two statements: planning costs tens of microseconds a statement and a foreign-key check, which over a
 * whole chunk (the flags' own checks against the small realm and incident tables, the item rows) added 40-80 ms.
 * Other databases do not cache plans this way and run the work as it is.
 */
final class CustomPlans {

    private CustomPlans() {
    }

    static <T> T around(EntityManager em, Supplier<T> work) {
        Session session = em.unwrap(Session.class);
        String previous = session.doReturningWork(CustomPlans::force);
        if (previous == null) {
            return work.get();
        }
        try {
            return work.get();
        } finally {
            session.doWork(c -> set(c, previous));
        }
    }

    /** @return the setting it replaced, or null where there is nothing to do */
    private static String force(Connection c) throws SQLException {
        if (!isPostgreSQL(c) || c.getMetaData().getDatabaseMajorVersion() < 12) {
            return null; // plan_cache_mode exists since PostgreSQL 12
        }
        try (PreparedStatement st = c.prepareStatement("select current_setting('plan_cache_mode'), set_config('plan_cache_mode', 'force_custom_plan', true)");
             ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Whether {@code c} is a PostgreSQL connection (as its JDBC driver names the product). */
    static boolean isPostgreSQL(Connection c) throws SQLException {
        return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
    }

    private static void set(Connection c, String value) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("select set_config('plan_cache_mode', ?, true)")) {
            st.setString(1, value);
            st.executeQuery().close();
        }
    }
}
