package dev.breachresponse.keycloak.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineCorpusTest {

    @TempDir
    Path dir;

    /** A sorted corpus of the SHA-1s of "password-0" … "password-(n-1)", count i + 1, with the given line ending. */
    private Path corpus(int n, String eol) throws IOException {
        TreeMap<String, Integer> lines = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            lines.put(Sha1Hex.of("password-" + i), i + 1);
        }
        StringBuilder b = new StringBuilder();
        lines.forEach((h, c) -> b.append(h).append(':').append(c).append(eol));
        Path f = dir.resolve("corpus-" + n + (eol.length() == 2 ? "-crlf" : "") + ".txt");
        Files.writeString(f, b, StandardCharsets.US_ASCII);
        return f;
    }

    @Test
    void everyListedPasswordIsFoundWithItsCountAndOthersAreNot() throws IOException {
        for (String eol : List.of("\n", "\r\n")) {
            try (OfflineCorpus c = OfflineCorpus.open(corpus(5000, eol))) {
                for (int i = 0; i < 5000; i++) {
                    assertEquals(i + 1, c.count(Sha1Hex.of("password-" + i)), "password-" + i + " with " + eol.length() + "-byte line ends");
                }
                for (int i = 0; i < 2000; i++) {
                    assertEquals(0, c.count(Sha1Hex.of("not-listed-" + i)));
                }
                assertEquals(0, c.count("0000000000000000000000000000000000000000"), "before the first line");
                assertEquals(0, c.count("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"), "after the last line");
            }
        }
    }

    @Test
    void aOneLineFileWithoutATrailingLineBreakWorks() throws IOException {
        Path f = dir.resolve("one.txt");
        String h = Sha1Hex.of("only");
        Files.writeString(f, h + ":7");
        try (OfflineCorpus c = OfflineCorpus.open(f)) {
            assertEquals(7, c.count(h));
            assertEquals(0, c.count(Sha1Hex.of("other")));
        }
    }

    @Test
    void aFileThatIsNotASortedCorpusStopsTheStart() throws IOException {
        Path unsorted = dir.resolve("unsorted.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            lines.add(Sha1Hex.of("x" + i) + ":1");
        }
        Files.write(unsorted, lines);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OfflineCorpus.open(unsorted));
        assertTrue(e.getMessage().contains("not sorted"), e.getMessage());

        Path ntlm = dir.resolve("other.txt");
        Files.writeString(ntlm, "8846F7EAEE8FB117AD06BDD830B7586C:12\n");
        e = assertThrows(IllegalArgumentException.class, () -> OfflineCorpus.open(ntlm));
        assertTrue(e.getMessage().contains("not SHA1:COUNT"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> OfflineCorpus.open(dir.resolve("missing.txt")));
        assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
    }

    @Test
    void customListsTakeHashesWithOrWithoutCounts() throws IOException {
        Path f = dir.resolve("custom.txt");
        Files.writeString(f, "# passwords of the breach at hand\n" + Sha1Hex.of("Acme2025!").toLowerCase() + "\n\n" + Sha1Hex.of("Winter25") + ":3\n");
        CustomLists lists = CustomLists.load(List.of(f));
        assertEquals(2, lists.size());
        assertTrue(lists.contains(Sha1Hex.of("Acme2025!")));
        assertTrue(lists.contains(Sha1Hex.of("Winter25")));
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "Acme2025!\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CustomLists.load(List.of(bad)));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void aReaderInterruptedMidLookupDoesNotBreakTheCorpusForOthers() throws Exception {
        try (OfflineCorpus c = OfflineCorpus.open(corpus(2000, "\n"))) {
            Thread.currentThread().interrupt();
            try {
                c.count(Sha1Hex.of("password-7"));
            } catch (IOException expected) {
                // the interrupted lookup may fail; the channel it closed is replaced
            } finally {
                Thread.interrupted();
            }
            assertEquals(8, c.count(Sha1Hex.of("password-7")), "later lookups read again");
        }
    }
}
