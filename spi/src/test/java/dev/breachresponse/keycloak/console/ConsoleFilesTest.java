package dev.breachresponse.keycloak.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The console's files as the jar carries them (target/classes, with the vendor files the build unpacked from the
 * webjars): the whitelist serves exactly the files there, nothing else; the message bundles agree; the scripts
 * never parse HTML.
 */
class ConsoleFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Path root() throws URISyntaxException {
        URL url = ConsoleFilesTest.class.getClassLoader().getResource(ConsoleFiles.ROOT + "index.html");
        assertTrue(url != null && "file".equals(url.getProtocol()), "console files on the class path: " + url);
        return Path.of(url.toURI()).getParent();
    }

    static List<String> files() throws Exception {
        Path root = root();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    @Test
    void whitelistServesExactlyTheConsoleFilesIncludingTheUnpackedVendorFiles() throws Exception {
        Set<String> expected = new TreeSet<>(ConsoleFiles.SERVED);
        expected.add(ConsoleFiles.INDEX);
        assertEquals(expected, new TreeSet<>(files()), "ConsoleFiles.SERVED vs the files under " + ConsoleFiles.ROOT);
        assertTrue(ConsoleFiles.SERVED.containsAll(List.of("vendor/keycloak.js", "vendor/uPlot.esm.js", "vendor/uPlot.min.css")),
                "the webjar files are unpacked into the jar's resources");
        for (String name : ConsoleFiles.SERVED) {
            ConsoleFiles.Asset a = ConsoleFiles.served(name).orElseThrow();
            assertTrue(a.bytes().length > 0, name);
            assertTrue(a.contentType() != null && a.contentType().endsWith("; charset=utf-8"), name + " " + a.contentType());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "index.html", "../changelog-master.xml", "../../breach-response-build.properties",
            "js/../console.css", "./console.css", "js/", "js", "vendor", "JS/APP.JS", "js/app.js/", "js%2fapp.js",
            "js/app.js.map", "changelog/2026-11-29-incident-store.xml", "vendor/LICENSE.txt", "/console.css", "console.css "})
    void anythingOffTheListIsNotServed(String name) {
        assertTrue(ConsoleFiles.served(name).isEmpty(), name);
    }

    @Test
    void contentTypesCarryUtf8AndUnknownExtensionsHaveNone() {
        assertEquals("text/javascript; charset=utf-8", ConsoleFiles.served("js/app.js").orElseThrow().contentType());
        assertEquals("text/css; charset=utf-8", ConsoleFiles.served("console.css").orElseThrow().contentType());
        assertEquals("application/json; charset=utf-8", ConsoleFiles.served("messages/ja.json").orElseThrow().contentType());
        assertEquals("text/html; charset=utf-8", ConsoleFiles.contentType("index.html"));
        assertEquals(null, ConsoleFiles.contentType("x.properties"));
        assertEquals(null, ConsoleFiles.contentType("README"));
    }

    @Test
    void etagIsTheQuotedSha256OfTheBytes() {
        ConsoleFiles.Asset a = ConsoleFiles.served("console.css").orElseThrow();
        assertTrue(a.etag().matches("\"[0-9a-f]{64}\""), a.etag());
        assertEquals(ConsoleFiles.etag(a.bytes()), a.etag());
        assertFalse(a.etag().equals(ConsoleFiles.served("js/app.js").orElseThrow().etag()));
    }

    @Test
    void everyLanguageHasEveryKeyOfEnglishAndNoOther() throws Exception {
        Set<String> english = keys("en");
        assertTrue(english.size() > 100, "en.json has the console's texts");
        for (String lang : List.of("de", "fr", "es", "ja")) {
            assertEquals(english, keys(lang), lang + ".json keys vs en.json");
            JsonNode bundle = bundle(lang);
            for (Iterator<String> it = bundle.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                assertFalse(bundle.get(key).asText().isBlank(), lang + " " + key);
                assertEquals(placeholders(bundle("en").get(key).asText()), placeholders(bundle.get(key).asText()),
                        lang + " " + key + ": the same {placeholders} as English");
            }
        }
        // real translations, not English copies
        assertFalse(bundle("de").get("nav.incidents").asText().equals(bundle("en").get("nav.incidents").asText()));
        assertFalse(bundle("ja").get("load.title").asText().equals(bundle("en").get("load.title").asText()));
    }

    @Test
    void everyKeyTheScriptsNameIsInTheEnglishBundle() throws Exception {
        Set<String> english = keys("en");
        Pattern literal = Pattern.compile("\\bt\\('([a-zA-Z0-9_.-]+)'");
        Pattern prefix = Pattern.compile("\\bt\\('([a-zA-Z0-9_.-]+\\.)' *\\+");
        List<String> missing = new ArrayList<>();
        for (String f : files()) {
            if (!f.startsWith("js/")) {
                continue;
            }
            String src = Files.readString(root().resolve(f), StandardCharsets.UTF_8);
            Matcher m = literal.matcher(src);
            while (m.find()) {
                if (!m.group(1).endsWith(".") && !english.contains(m.group(1))) {
                    missing.add(f + ": " + m.group(1));
                }
            }
            Matcher p = prefix.matcher(src);
            while (p.find()) {
                String pre = p.group(1);
                if (english.stream().noneMatch(k -> k.startsWith(pre))) {
                    missing.add(f + ": " + pre + "*");
                }
            }
            Matcher quoted = Pattern.compile("'((?:load|upload)\\.[a-zA-Z.]+)'").matcher(src);
            while (quoted.find()) {
                if (!english.contains(quoted.group(1))) {
                    missing.add(f + ": " + quoted.group(1));
                }
            }
        }
        assertEquals(List.of(), missing, "message keys used by the scripts but missing in en.json");
        for (String state : List.of("FLAGGED", "STEPPED_UP", "REMEDIATED", "DISMISSED", "OPEN", "CLOSED")) {
            assertTrue(english.contains("state." + state), state);
        }
    }

    @Test
    void ourScriptsNeverParseHtmlAndThePageHasNoInlineScriptOrStyle() throws Exception {
        Pattern forbidden = Pattern.compile("innerHTML|outerHTML|insertAdjacentHTML|document\\.write|\\beval\\(|new Function|setAttribute\\('style'|setAttribute\\(\"style\"");
        for (String f : files()) {
            if (f.startsWith("js/")) {
                Matcher m = forbidden.matcher(Files.readString(root().resolve(f), StandardCharsets.UTF_8));
                assertFalse(m.find(), f + " uses " + (m.hitEnd() ? "" : m.group()));
            }
        }
        String index = Files.readString(root().resolve("index.html"), StandardCharsets.UTF_8);
        Matcher scripts = Pattern.compile("<script([^>]*)>").matcher(index);
        int count = 0;
        while (scripts.find()) {
            count++;
            assertTrue(scripts.group(1).contains("src="), "every script is a file: " + scripts.group());
        }
        assertEquals(2, count, "keycloak.js and the app module");
        assertFalse(index.contains("<style") || index.contains(" style="), "no inline style");
        assertFalse(Pattern.compile("\\son[a-z]+=").matcher(index).find(), "no inline handlers");
    }

    private static Set<String> keys(String lang) throws Exception {
        Set<String> out = new TreeSet<>();
        bundle(lang).fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static JsonNode bundle(String lang) throws IOException, URISyntaxException {
        return JSON.readTree(root().resolve("messages/" + lang + ".json").toFile());
    }

    private static Set<String> placeholders(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("\\{(\\w+)\\}").matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
