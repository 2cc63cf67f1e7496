package dev.breachresponse.keycloak.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.UUID;

/** What the benchmarks share: seeding users straight into the database, the server's heap, printing. */
final class BenchSupport {

    private BenchSupport() {
    }

    /**
     * A production-mode server for a benchmark on this run's database: HTTP on, no reminder planner racing the
     * measurement, a 1-2 GB heap ({@code -Dbench.jvm=…} adds JVM options, {@code -Dbench.log-level} the log level).
     */
    static KeycloakProcess server(String name) throws IOException {
        return KeycloakProcess.forThisRun(name, "start")
                .option("http-enabled", "true")
                .option("spi-breach-reminders--default--interval-seconds", "86400")
                .option("log-level", System.getProperty("bench.log-level", "info"))
                .env("JAVA_OPTS_APPEND", ("-Xms1g -Xmx2g " + System.getProperty("bench.jvm", "")).trim());
    }

    /**
     * Inserts users {@code dev<from>} .. {@code dev<from+count-1>} (email {@code dev<i>@bench.test}) into
     * USER_ENTITY with JDBC: Keycloak reads them from the database like any other, with a cold user cache.
     *
     * @return their ids, in order
     */
    static List<String> seedUsers(TestDatabases.Fresh db, String realmId, int from, int count) throws Exception {
        List<String> ids = new ArrayList<>(count);
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into USER_ENTITY (ID, EMAIL, EMAIL_CONSTRAINT, EMAIL_VERIFIED, ENABLED,"
                    + " REALM_ID, USERNAME, CREATED_TIMESTAMP, NOT_BEFORE) values (?, ?, ?, true, true, ?, ?, ?, 0)")) {
                long now = System.currentTimeMillis();
                for (int i = from; i < from + count; i++) {
                    String email = "dev" + i + "@bench.test";
                    String id = UUID.randomUUID().toString();
                    ids.add(id);
                    ps.setString(1, id);
                    ps.setString(2, email);
                    ps.setString(3, email);
                    ps.setString(4, realmId);
                    ps.setString(5, "dev" + i);
                    ps.setLong(6, now);
                    ps.addBatch();
                    if ((i - from) % 5000 == 4999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        }
        return ids;
    }

    /**
     * Table statistics, as autovacuum keeps them in production: this machine's PostgreSQL runs with autovacuum
     * off, and tables filled in one go then have none, which makes its planner pick sequential scans.
     */
    static void analyze(KeycloakProcess kc) throws Exception {
        if (!"postgres".equals(kc.databaseVendor())) {
            return;
        }
        TestDatabases.Fresh db = kc.database();
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); var st = c.createStatement()) {
            st.execute("ANALYZE");
        }
        out("ANALYZE in %.1f s (autovacuum is off on this machine's PostgreSQL; production keeps statistics)", secs(t0));
    }

    /**
     * Stands in for autovacuum between the phases of a benchmark (PostgreSQL only; untimed): {@code VACUUM (ANALYZE)} of
     * the given tables, so that the dead row versions one phase left (an outbox's updates and deletes) do not weigh on
     * the next phase only because this machine's PostgreSQL runs no autovacuum.
     */
    static void vacuum(KeycloakProcess kc, String... tables) throws Exception {
        if (!"postgres".equals(kc.databaseVendor())) {
            return;
        }
        long t0 = System.nanoTime();
        TestDatabases.Fresh db = kc.database();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); var st = c.createStatement()) {
            st.execute("VACUUM (ANALYZE) " + String.join(", ", tables));
        }
        out("VACUUM (ANALYZE) %s in %.1f s (standing in for autovacuum, off on this machine's PostgreSQL)", String.join(", ", tables), secs(t0));
    }

    /**
     * Stands in for autovacuum's analyze while a benchmark runs: ANALYZE every {@code seconds} (autovacuum's
     * default naptime is 60 s, and it analyzes a table once 10% of it changed). Without it, a table that grows
     * from empty during the run keeps its empty-table statistics and its queries degrade to scans.
     */
    static AutoCloseable analyzeEvery(KeycloakProcess kc, int defaultSeconds) {
        // -Dbench.analyze.every=0: no background ANALYZE (a database without autovacuum: the worst case)
        int seconds = Integer.getInteger("bench.analyze.every", defaultSeconds);
        if (!"postgres".equals(kc.databaseVendor()) || seconds <= 0) {
            if (seconds <= 0) {
                out("no background ANALYZE (bench.analyze.every=%d)", seconds);
            }
            return () -> { };
        }
        TestDatabases.Fresh db = kc.database();
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(seconds * 1000L);
                    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); var st = c.createStatement()) {
                        st.execute("ANALYZE");
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (java.sql.SQLException e) {
                    out("background ANALYZE failed: %s", e.getMessage());
                }
            }
        }, "bench-analyze");
        t.setDaemon(true);
        t.start();
        out("background ANALYZE every %d s, standing in for autovacuum (off on this machine's PostgreSQL)", seconds);
        return t::interrupt;
    }

    static long heapUsedAfterGc(long pid) throws Exception {
        run("jcmd", Long.toString(pid), "GC.run");
        return heapUsed(pid);
    }

    /** Used heap of the server JVM in bytes, from jcmd GC.heap_info ("used NNNK"). */
    static long heapUsed(long pid) {
        try {
            String info = run("jcmd", Long.toString(pid), "GC.heap_info");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    /**
     * The server's live objects by class (jcmd GC.class_histogram, which collects first): total live bytes and the
     * first {@code top} lines (the largest classes).
     */
    record Histogram(long liveBytes, String top) {
    }

    static Histogram histogram(long pid, int top) throws Exception {
        String[] lines = run("jcmd", Long.toString(pid), "GC.class_histogram").split("\n");
        long total = 0;
        StringBuilder head = new StringBuilder();
        int shown = 0;
        for (String line : lines) {
            String t = line.trim();
            if (t.startsWith("Total")) {
                String[] f = t.split("\\s+");
                total = Long.parseLong(f[f.length - 1]);
            } else if (t.matches("\\d+:\\s+\\d+\\s+\\d+.*") && shown < top) {
                head.append(System.lineSeparator()).append("    ").append(t);
                shown++;
            }
        }
        return new Histogram(total, head.toString());
    }

    /**
     * CPU time in clock ticks (procfs, usually 100 a second) over an interval ({@link CpuMeter}): the machine (all
     * cores, busy only), the server JVM, the PostgreSQL or MariaDB server processes, and this JVM (the benchmark's
     * client, with the jcmd processes it runs to read the server's heap); "other" is the rest (the kernel's I/O work,
     * other services on the machine).
     */
    record CpuTimes(long machine, long server, long database, long client) {

        /** The shares of the busy CPU time, and each side in core-seconds over {@code seconds} of wall time. */
        String describe(double seconds) {
            double hz = 100.0;
            long other = machine - server - database - client;
            return String.format(Locale.ROOT, "machine busy %.1f core-s of %.1f s (2 cores: %.0f %%); Keycloak %.1f core-s (%.0f %% of busy),"
                            + " database %.1f core-s (%.0f %%), benchmark client %.1f core-s (%.0f %%), other %.1f core-s (%.0f %%)",
                    machine / hz, seconds, 100 * machine / hz / (2 * seconds), server / hz, pct(server), database / hz, pct(database),
                    client / hz, pct(client), other / hz, pct(other));
        }

        private double pct(long part) {
            return machine == 0 ? 0 : 100.0 * part / machine;
        }
    }

    /**
     * Measures {@link CpuTimes} over an interval. Database server processes come and go (a connection pool closes
     * idle connections, and a backend's CPU time leaves with it), so {@link #sample} them often: each process counts
     * what it used between the start (or its own start) and the last sample that saw it.
     */
    static final class CpuMeter {
        private final long serverPid;
        private final long machine0;
        private final long server0;
        private final long client0;
        // keyed by "pid/start time": a pid the kernel reuses is another process
        private final Map<String, Long> databaseStart = new HashMap<>();
        private final Map<String, Long> databaseLast = new HashMap<>();

        CpuMeter(long serverPid) throws IOException {
            this.serverPid = serverPid;
            machine0 = machineBusy();
            server0 = ticksOf(serverPid);
            client0 = clientTicks();
            databaseStart.putAll(databaseProcesses());
            databaseLast.putAll(databaseStart);
        }

        synchronized void sample() throws IOException {
            databaseLast.putAll(databaseProcesses());
        }

        synchronized CpuTimes stop() throws IOException {
            sample();
            long database = 0;
            for (Map.Entry<String, Long> e : databaseLast.entrySet()) {
                database += e.getValue() - databaseStart.getOrDefault(e.getKey(), 0L);
            }
            return new CpuTimes(machineBusy() - machine0, ticksOf(serverPid) - server0, database, clientTicks() - client0);
        }

        /** Busy ticks of all cores: user, nice, system, irq, softirq (not idle, iowait or a hypervisor's steal). */
        private static long machineBusy() throws IOException {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return Long.parseLong(cpu[1]) + Long.parseLong(cpu[2]) + Long.parseLong(cpu[3]) + Long.parseLong(cpu[6]) + Long.parseLong(cpu[7]);
        }

        /** PostgreSQL's and MariaDB's server processes by pid and start time, with their CPU ticks. */
        private static Map<String, Long> databaseProcesses() throws IOException {
            Map<String, Long> out = new HashMap<>();
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path p : (Iterable<Path>) procs.filter(x -> x.getFileName().toString().matches("\\d+"))::iterator) {
                    try {
                        String comm = Files.readString(p.resolve("comm")).trim();
                        if (comm.equals("postgres") || comm.startsWith("mariadbd") || comm.startsWith("mysqld")) {
                            String stat = Files.readString(p.resolve("stat"));
                            out.put(p.getFileName() + "/" + statFields(stat)[19], BenchSupport.ticks(stat));
                        }
                    } catch (IOException gone) {
                        // exited meanwhile
                    }
                }
            }
            return out;
        }

        /** This JVM and the children it waited for (the jcmd processes that read the server's heap). */
        private static long clientTicks() throws IOException {
            String[] f = statFields(Files.readString(Path.of("/proc/" + ProcessHandle.current().pid() + "/stat")));
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }

        private static long ticksOf(long pid) throws IOException {
            return ticks(Files.readString(Path.of("/proc/" + pid + "/stat")));
        }
    }

    /** utime + stime of a /proc/{pid}/stat line (fields 14 and 15). */
    private static long ticks(String stat) {
        String[] f = statFields(stat);
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** A /proc/{pid}/stat line's fields from the third (state) on: field n is at index n - 3. */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** The {@code p}-th percentile (nearest rank) of the values (not changed: a sorted copy is read). */
    static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1))];
    }

    static double ms(double nanos) {
        return nanos / 1e6;
    }

    static double secs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static void out(String fmt, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, fmt, args));
    }
}
