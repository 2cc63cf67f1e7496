package dev.breachresponse.keycloak.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Keycloak server from the keycloak-quarkus-dist zip, in a process the test owns: restart it, kill -9 it,
 * or run two of them as a cluster. The official test framework keeps one server per JVM and cannot do those.
 * Binds 127.0.0.1 only; the bootstrap admin is a client-credentials client.
 */
public final class KeycloakProcess implements AutoCloseable {

    public static final String ADMIN_CLIENT = "br-process-admin";
    public static final String ADMIN_SECRET = "br-process-admin-secret";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path home;
    private final int httpPort;
    private final int managementPort;
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final String command;
    private Process process;
    private int starts;
    private TestDatabases.Fresh database;

    private KeycloakProcess(Path home, int httpPort, int managementPort, String command) {
        this.home = home;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.command = command;
    }

    /**
     * A fresh installation in {@code target/kc-process/<name>} with the product jar in providers/.
     * {@code command} is {@code start-dev} or {@code start}.
     */
    public static KeycloakProcess install(String name, int httpPort, int managementPort, String command) throws IOException {
        Path zip = Path.of(require("br.dist.zip"));
        Path home = Path.of(System.getProperty("br.process.dir", "target/kc-process")).toAbsolutePath().resolve(name);
        deleteTree(home);
        unzip(zip, home);
        Path providers = home.resolve("providers");
        Files.createDirectories(providers);
        Path jar = Path.of(require("br.product.jar"));
        Files.copy(jar, providers.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        home.resolve("bin/kc.sh").toFile().setExecutable(true);
        KeycloakProcess p = new KeycloakProcess(home, httpPort, managementPort, command);
        p.option("http-host", "127.0.0.1")
                .option("http-port", Integer.toString(httpPort))
                .option("http-management-port", Integer.toString(managementPort))
                .option("health-enabled", "true")
                .option("hostname-strict", "false");
        p.env("KC_BOOTSTRAP_ADMIN_CLIENT_ID", ADMIN_CLIENT);
        p.env("KC_BOOTSTRAP_ADMIN_CLIENT_SECRET", ADMIN_SECRET);
        return p;
    }

    /**
     * An installation on ports 8180/9180 using this run's database kind ({@code br.it.db}): a fresh
     * PostgreSQL or MariaDB database, dropped again by {@link #close()}, or an H2 file in its home.
     */
    public static KeycloakProcess forThisRun(String name, String command) throws IOException {
        String vendor = System.getProperty("br.it.db", "h2");
        TestDatabases.Fresh db = "h2".equals(vendor) ? null : TestDatabases.create(vendor, "br_proc");
        KeycloakProcess p = install(name + "-" + vendor, 8180, 9180, command).database(db);
        p.database = db;
        return p;
    }

    public TestDatabases.Fresh database() {
        return database;
    }

    public String databaseVendor() {
        return database == null ? "h2" : database.vendor();
    }

    /** Points the server at this run's database: H2 file in its home, or a fresh PostgreSQL/MariaDB database. */
    public KeycloakProcess database(TestDatabases.Fresh db) {
        if (db == null) {
            // H2 writes commits to disk up to a second late by default; a kill -9 test needs them durable.
            option("db", "dev-file");
            option("db-url", "jdbc:h2:file:" + home.resolve("data/h2/keycloakdb") + ";NON_KEYWORDS=VALUE;WRITE_DELAY=0");
        } else if (TestDatabases.H2_SERVER.equals(db.vendor())) {
            // Keycloak's H2 support (driver, dialect) with the URL of the H2 server
            option("db", "dev-file");
            option("db-url", db.jdbcUrl());
            option("db-username", db.user());
            option("db-password", db.password());
        } else {
            option("db", db.vendor());
            option("db-url", db.jdbcUrl());
            option("db-username", db.user());
            option("db-password", db.password());
        }
        return this;
    }

    public KeycloakProcess option(String key, String value) {
        options.put(key, value);
        return this;
    }

    public KeycloakProcess env(String key, String value) {
        env.put(key, value);
        return this;
    }

    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    /** The management interface (health, and metrics where {@code metrics-enabled}). */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public Path home() {
        return home;
    }

    public synchronized void start() throws IOException {
        cachedToken = null;
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        for (int port : new int[] {httpPort, managementPort}) {
            try (java.net.ServerSocket probe = new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                probe.setReuseAddress(true);
            } catch (IOException e) {
                throw new IOException("port " + port + " is taken: another Keycloak still running?", e);
            }
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/kc.sh").toString());
        cmd.add(command);
        options.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server-" + (++starts) + ".log").toFile()));
        pb.environment().putAll(env);
        process = pb.start();
        waitUntilReady(Duration.ofSeconds(Long.getLong("br.process.start.timeout", 300)));
    }

    /** The server JVM's pid (kc.sh runs java as its child). */
    public long javaPid() {
        if (process.info().command().map(c -> c.endsWith("java")).orElse(false)) {
            return process.pid(); // kc.sh exec'd java after re-augmentation
        }
        return process.descendants().filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false))
                .findFirst().map(ProcessHandle::pid).orElseThrow(() -> new IllegalStateException("no java child"));
    }

    /** Graceful stop (SIGTERM), as an admin's restart would. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        awaitExit(children);
        process = null;
    }

    /** kill -9 of the JVM and its launcher: no shutdown hook, no commit of anything in flight. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitExit(children);
        process = null;
    }

    /** Stops the server and drops the database {@link #forThisRun} created. */
    @Override
    public void close() {
        stop();
        if (database != null) {
            database.dropQuietly();
        }
    }

    /** A master-realm admin token from the bootstrap client. */
    private String cachedToken;
    private long cachedAt;

    /**
     * A master-realm admin token for the service client; reused for 30 s (its lifespan is 60 s), as a script
     * would, so that benchmarks do not spend the server's CPU on a token grant per call.
     */
    public synchronized String adminToken() {
        if (cachedToken != null && System.nanoTime() - cachedAt < 30_000_000_000L) {
            return cachedToken;
        }
        cachedToken = freshAdminToken();
        cachedAt = System.nanoTime();
        return cachedToken;
    }

    private String freshAdminToken() {
        String form = "grant_type=client_credentials&client_id=" + ADMIN_CLIENT + "&client_secret=" + ADMIN_SECRET;
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl() + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try {
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode n = BreachApi.JSON.readTree(r.body());
            if (r.statusCode() != 200) {
                throw new AssertionError("admin token: " + r.statusCode() + " " + r.body());
            }
            return n.get("access_token").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Admin REST call outside the extension (realms, users) with a fresh admin token. */
    public HttpResponse<String> adminCall(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + "/admin" + path))
                .header("Authorization", "Bearer " + adminToken())
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public BreachApi api(String realm) {
        return new BreachApi(baseUrl(), realm, this::adminToken);
    }

    private void waitUntilReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Keycloak exited with " + process.exitValue() + "; see " + home.resolve("server-" + starts + ".log"));
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        kill();
        throw new IOException("Keycloak not ready within " + timeout + "; see " + home);
    }

    private void awaitExit(List<ProcessHandle> children) {
        try {
            process.waitFor(60, TimeUnit.SECONDS);
            for (ProcessHandle h : children) {
                h.onExit().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static String require(String property) {
        String v = System.getProperty(property);
        if (v == null) {
            throw new IllegalStateException("system property " + property + " is not set (failsafe sets it)");
        }
        return v;
    }

    private static void unzip(Path zip, Path target) throws IOException {
        Files.createDirectories(target);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                String name = e.getName();
                int slash = name.indexOf('/');
                String rel = slash < 0 ? "" : name.substring(slash + 1); // strip keycloak-<version>/
                if (rel.isEmpty()) {
                    continue;
                }
                Path out = target.resolve(rel).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry outside target: " + name);
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    copy(in, out);
                }
            }
        }
    }

    private static void copy(InputStream in, Path out) throws IOException {
        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
