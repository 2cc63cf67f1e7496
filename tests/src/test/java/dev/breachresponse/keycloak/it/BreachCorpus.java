package dev.breachresponse.keycloak.it;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The offline breach corpus and custom list every framework IT server opens (server options of the
 * {@code breach-passwords} SPI, {@link BreachServerConfig}): a file in the Pwned Passwords downloader's format
 * (sorted {@code SHA1:COUNT} lines) of {@value #ENTRIES} generated entries plus {@link #BREACHED} (seen
 * {@value #BREACHED_COUNT} times), and a custom list holding {@link #CUSTOM}. Written once per build under
 * {@code target/}; no test user's ordinary password ({@link Realms#PASSWORD}) is in either.
 */
final class BreachCorpus {

    static final int ENTRIES = 1_000_000;

    /** A password in the offline corpus. */
    static final String BREACHED = "Breached-Passw0rd!";
    static final int BREACHED_COUNT = 12_345;

    /** A password in the custom list only. */
    static final String CUSTOM = "Acme-Breach-2026!";

    private static final Path DIR = Path.of("target", "breach-corpus").toAbsolutePath();

    private BreachCorpus() {
    }

    static synchronized Path corpus() {
        Path file = DIR.resolve("pwned-passwords-sha1-" + ENTRIES + ".txt");
        if (!Files.exists(file)) {
            String[] lines = new String[ENTRIES + 1];
            for (int i = 0; i < ENTRIES; i++) {
                lines[i] = sha1("corpus-" + i) + ":" + (i % 5000 + 1);
            }
            lines[ENTRIES] = sha1(BREACHED) + ":" + BREACHED_COUNT;
            Arrays.sort(lines);
            write(file, lines, "\r\n");
        }
        return file;
    }

    static synchronized Path customList() {
        Path file = DIR.resolve("custom-list.txt");
        if (!Files.exists(file)) {
            write(file, new String[] {"# the passwords of the breach at hand", sha1(CUSTOM)}, "\n");
        }
        return file;
    }

    private static void write(Path file, String[] lines, String eol) {
        try {
            Files.createDirectories(DIR);
            Path tmp = Files.createTempFile(DIR, "corpus", ".tmp");
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
                for (String l : lines) {
                    w.write(l);
                    w.write(eol);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Upper-case hex SHA-1, as the corpus and the range API write it. */
    static String sha1(String password) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
