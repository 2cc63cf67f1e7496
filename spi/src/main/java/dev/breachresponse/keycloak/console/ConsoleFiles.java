package dev.breachresponse.keycloak.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's files in the jar ({@code META-INF/breach-response/console/…}), served only when named in
 * {@link #SERVED}: a request for anything else (another resource of the jar, {@code ../}, an encoded slash, a
 * directory) finds no entry and answers 404. Files are read once and kept with their SHA-256 as ETag.
 */
final class ConsoleFiles {

    /** Where the files live on the class path. */
    static final String ROOT = "META-INF/breach-response/console/";

    /** The page template ({@link IndexPage}); served rendered at {@code console/}, never as it is. */
    static final String INDEX = "index.html";

    /**
     * Every file the console may serve, by its path below {@code console/}. The vendor files are unpacked from the
     * webjars at build time (spi/pom.xml); ConsoleFilesTest checks that this list and the directory agree.
     */
    static final List<String> SERVED = List.of(
            "console.css",
            "js/app.js",
            "js/api.js",
            "js/auth.js",
            "js/chart.js",
            "js/csv.js",
            "js/dom.js",
            "js/format.js",
            "js/i18n.js",
            "js/rights.js",
            "js/split.js",
            "js/pages/flags.js",
            "js/pages/incident.js",
            "js/pages/incidents.js",
            "js/pages/load.js",
            "js/pages/realm.js",
            "messages/de.json",
            "messages/en.json",
            "messages/es.json",
            "messages/fr.json",
            "messages/ja.json",
            "vendor/keycloak.js",
            "vendor/uPlot.esm.js",
            "vendor/uPlot.min.css");

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json; charset=utf-8");

    /** A file ready to serve: bytes, media type with charset, and a strong ETag (quoted hex SHA-256). */
    record Asset(String name, byte[] bytes, String contentType, String etag) {
    }

    private static final Map<String, Asset> CACHE = new ConcurrentHashMap<>();

    private ConsoleFiles() {
    }

    /** The served file {@code name} (a path below {@code console/}), or empty when it is not on the list. */
    static Optional<Asset> served(String name) {
        if (name == null || !SERVED.contains(name)) {
            return Optional.empty();
        }
        return Optional.of(CACHE.computeIfAbsent(name, ConsoleFiles::load));
    }

    /** The page template's text (UTF-8). */
    static String indexTemplate() {
        return new String(CACHE.computeIfAbsent(INDEX, ConsoleFiles::load).bytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Media type by extension; null for an extension the console does not serve. */
    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : TYPES.get(name.substring(dot + 1));
    }

    private static Asset load(String name) {
        try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("console file missing from the jar: " + ROOT + name);
            }
            byte[] bytes = in.readAllBytes();
            return new Asset(name, bytes, contentType(name), etag(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String etag(byte[] bytes) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
