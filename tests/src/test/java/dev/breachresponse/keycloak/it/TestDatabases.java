package dev.breachresponse.keycloak.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Creates a fresh PostgreSQL or MariaDB database (and a login for it) per test run on the services this
 * machine runs, and drops databases older runs left behind. For benchmarks also {@value #H2_SERVER}: an H2 database
 * served over TCP by an H2 server in this JVM, so that Keycloak and the benchmark's own JDBC reach it the same way.
 */
public final class TestDatabases {

    static final String USER = "br_it";
    static final String PASSWORD = "br_it_pw";
    /** H2 in server mode (benchmarks only: the suite runs H2 embedded in Keycloak, where nothing else can reach it). */
    static final String H2_SERVER = "h2-server";
    private static final int H2_PORT = 9092;
    private static final Path H2_DIR = Path.of("target", "h2-server").toAbsolutePath();
    private static org.h2.tools.Server h2;

    /** A database created for this run. */
    public record Fresh(String vendor, String name, String jdbcUrl, String user, String password, String host) {

        public void dropQuietly() {
            if (H2_SERVER.equals(vendor)) {
                stopH2(name);
                return;
            }
            try (Connection c = admin(vendor, host); Statement s = c.createStatement()) {
                s.execute(dropSql(vendor, name));
            } catch (SQLException e) {
                System.err.println("could not drop test database " + name + ": " + e.getMessage());
            }
        }
    }

    private TestDatabases() {
    }

    public static Fresh create(String vendor, String prefix) {
        if (H2_SERVER.equals(vendor)) {
            return h2(prefix);
        }
        String host = System.getProperty("br.it.db.host", "postgres".equals(vendor) ? "127.0.0.1:5432" : "127.0.0.1:3306");
        String name = freshName(prefix);
        try (Connection c = admin(vendor, host); Statement s = c.createStatement()) {
            dropStale(vendor, s, prefix);
            switch (vendor) {
                case "postgres" -> {
                    if (!exists(s, "select 1 from pg_roles where rolname = '" + USER + "'")) {
                        s.execute("create role " + USER + " login password '" + PASSWORD + "'");
                    }
                    s.execute("create database " + name + " owner " + USER + " encoding 'UTF8'");
                    return new Fresh(vendor, name, "jdbc:postgresql://" + host + "/" + name, USER, PASSWORD, host);
                }
                case "mariadb" -> {
                    s.execute("create database " + name + " character set utf8mb4 collate utf8mb4_unicode_ci");
                    for (String h : List.of("%", "localhost", "127.0.0.1")) {
                        s.execute("create user if not exists '" + USER + "'@'" + h + "' identified by '" + PASSWORD + "'");
                        s.execute("grant all privileges on `" + name + "`.* to '" + USER + "'@'" + h + "'");
                    }
                    return new Fresh(vendor, name, "jdbc:mariadb://" + host + "/" + name, USER, PASSWORD, host);
                }
                default -> throw new IllegalArgumentException("unknown test database vendor " + vendor);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create a " + vendor + " test database on " + host
                    + " (is the service running? .ci/run starts it): " + e.getMessage(), e);
        }
    }

    /**
     * A fresh H2 database ({@code NON_KEYWORDS=VALUE} as Keycloak's own H2 URL, commits written at once) served by an H2
     * TCP server on 127.0.0.1:{@value #H2_PORT} in this JVM, started on first use; user {@code sa}, no password.
     */
    private static synchronized Fresh h2(String prefix) {
        String name = freshName(prefix);
        try {
            if (h2 == null) {
                Files.createDirectories(H2_DIR);
                h2 = org.h2.tools.Server.createTcpServer("-tcpPort", Integer.toString(H2_PORT), "-baseDir", H2_DIR.toString(), "-ifNotExists").start();
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Could not start an H2 server on port " + H2_PORT + ": " + e.getMessage(), e);
        }
        String host = "127.0.0.1:" + H2_PORT;
        return new Fresh(H2_SERVER, name, "jdbc:h2:tcp://" + host + "/" + name + ";NON_KEYWORDS=VALUE;WRITE_DELAY=0", "sa", "", host);
    }

    private static synchronized void stopH2(String name) {
        if (h2 != null) {
            h2.stop();
            h2 = null;
        }
        try (var files = Files.list(H2_DIR)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(name + ".")).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            System.err.println("could not delete H2 database " + name + ": " + e.getMessage());
        }
    }

    /** {@code <prefix>_<yyyyMMddHHmmss>_<random>}: the time lets a later run drop what a killed run left behind. */
    private static String freshName(String prefix) {
        return prefix + "_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"))
                + "_" + ThreadLocalRandom.current().nextInt(1000, 9999);
    }

    static Connection admin(String vendor, String host) throws SQLException {
        return switch (vendor) {
            case "postgres" -> DriverManager.getConnection("jdbc:postgresql://" + host + "/postgres", "postgres", "");
            case "mariadb" -> DriverManager.getConnection("jdbc:mariadb://" + host + "/", "root", "");
            default -> throw new IllegalArgumentException(vendor);
        };
    }

    private static String dropSql(String vendor, String name) {
        return "postgres".equals(vendor) ? "drop database if exists " + name + " with (force)" : "drop database if exists `" + name + "`";
    }

    /** Drops databases of earlier runs (killed before they could clean up) older than six hours. */
    private static void dropStale(String vendor, Statement s, String prefix) throws SQLException {
        String list = "postgres".equals(vendor)
                ? "select datname from pg_database where datname like '" + prefix + "\\_%'"
                : "select schema_name from information_schema.schemata where schema_name like '" + prefix + "\\_%'";
        String cutoff = LocalDateTime.now().minusHours(6).format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        List<String> stale = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(list)) {
            while (rs.next()) {
                String n = rs.getString(1);
                String[] parts = n.substring(prefix.length() + 1).split("_");
                if (parts.length > 0 && parts[0].length() == 14 && parts[0].compareTo(cutoff) < 0) {
                    stale.add(n);
                }
            }
        }
        for (String n : stale) {
            s.execute(dropSql(vendor, n));
        }
    }

    private static boolean exists(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next();
        }
    }
}
