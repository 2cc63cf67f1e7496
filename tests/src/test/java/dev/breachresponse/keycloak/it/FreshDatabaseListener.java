package dev.breachresponse.keycloak.it;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Before any test runs on PostgreSQL or MariaDB ({@code -Dbr.it.db=postgres|mariadb}), creates a fresh database
 * for this run and points the test framework's remote-database options at it; drops it when the run ends.
 */
public class FreshDatabaseListener implements LauncherSessionListener {

    private TestDatabases.Fresh fresh;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String vendor = System.getProperty("br.it.db", "h2");
        if (!"postgres".equals(vendor) && !"mariadb".equals(vendor) || fresh != null) {
            return;
        }
        fresh = TestDatabases.create(vendor, "br_it");
        System.setProperty("kc.test.database.vendor", fresh.vendor());
        System.setProperty("kc.test.database.url", fresh.jdbcUrl());
        System.setProperty("kc.test.database.user", fresh.user());
        System.setProperty("kc.test.database.password", fresh.password());
    }

    /** A connection to the database the test framework's server uses (PostgreSQL or MariaDB runs only). */
    static java.sql.Connection connect() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(System.getProperty("kc.test.database.url"),
                System.getProperty("kc.test.database.user"), System.getProperty("kc.test.database.password"));
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (fresh != null) {
            fresh.dropQuietly();
            fresh = null;
        }
    }
}
