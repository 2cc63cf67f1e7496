package dev.breachresponse.keycloak.password;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Small lists of breached passwords given as SHA-1 (the passwords of the breach at hand, say): text files of one
 * {@code SHA1} or {@code SHA1:COUNT} per line, any order, blank lines and {@code #} comments ignored. Held in memory
 * (at most {@value #MAX_ENTRIES} entries in all, about 12 MB); a listed password is breached whatever its count.
 */
final class CustomLists {

    static final int MAX_ENTRIES = 100_000;

    static final CustomLists NONE = new CustomLists(Set.of());

    private final Set<String> hashes;

    private CustomLists(Set<String> hashes) {
        this.hashes = hashes;
    }

    /** @throws IllegalArgumentException naming the file and line that cannot be read (the server does not start) */
    static CustomLists load(List<Path> files) {
        Set<String> hashes = new HashSet<>();
        for (Path file : files) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
                String line;
                int n = 0;
                while ((line = in.readLine()) != null) {
                    n++;
                    String t = line.strip();
                    if (t.isEmpty() || t.startsWith("#")) {
                        continue;
                    }
                    int colon = t.indexOf(':');
                    String hash = colon < 0 ? t : t.substring(0, colon);
                    if (!Sha1Hex.valid(hash)) {
                        throw new IllegalArgumentException("the breached-password list " + file + " has a line that is not SHA1 or SHA1:COUNT: line " + n);
                    }
                    hashes.add(hash.toUpperCase(Locale.ROOT));
                    if (hashes.size() > MAX_ENTRIES) {
                        throw new IllegalArgumentException("the breached-password lists hold more than " + MAX_ENTRIES
                                + " entries; give a large corpus as the corpus file instead");
                    }
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("the breached-password list " + file + " cannot be read: " + e.getMessage(), e);
            }
        }
        return new CustomLists(Set.copyOf(hashes));
    }

    boolean contains(String sha1) {
        return hashes.contains(sha1);
    }

    int size() {
        return hashes.size();
    }
}
