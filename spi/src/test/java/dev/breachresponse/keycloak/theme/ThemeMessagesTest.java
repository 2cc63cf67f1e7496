package dev.breachresponse.keycloak.theme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Every message of the jar's theme-resources (served by Keycloak to every login and email theme) exists in every
 * shipped language, parses as a {@link MessageFormat} with the same placeholders as the English one, every key a
 * template uses is defined, and every key is ours (prefixed, so a realm theme's own keys never collide).
 */
class ThemeMessagesTest {

    static final Path RESOURCES = Path.of("..", "themes", "theme-resources");
    static final Path MESSAGES = RESOURCES.resolve("messages");
    static final Path TEMPLATES = RESOURCES.resolve("templates");

    static final List<String> LANGUAGES = List.of("en", "de", "fr", "es", "ja");

    static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            p.load(r);
        }
        return p;
    }

    static TreeSet<Integer> placeholders(String message) {
        TreeSet<Integer> out = new TreeSet<>();
        Matcher m = Pattern.compile("\\{(\\d+)").matcher(message);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    @Test
    void everyLanguageHasEveryKeyWithTheSamePlaceholders() throws IOException {
        Properties en = load(MESSAGES.resolve("messages_en.properties"));
        assertFalse(en.isEmpty());
        for (String lang : LANGUAGES) {
            Properties p = load(MESSAGES.resolve("messages_" + lang + ".properties"));
            assertEquals(new TreeSet<>(en.stringPropertyNames()), new TreeSet<>(p.stringPropertyNames()), lang);
            for (String key : p.stringPropertyNames()) {
                String message = p.getProperty(key);
                new MessageFormat(message); // throws on a broken pattern
                assertEquals(placeholders(en.getProperty(key)), placeholders(message), lang + " " + key);
                if (!placeholders(message).isEmpty()) {
                    assertFalse(message.matches(".*[^']'[^'].*"), lang + " " + key
                            + ": a single quote in a message with arguments hides them (write '')");
                }
            }
        }
    }

    /** Keycloak formats messages with java.text.MessageFormat: a lone apostrophe starts a quote and vanishes. */
    @Test
    void apostrophesAreDoubledAsMessageFormatNeeds() throws IOException {
        Pattern lone = Pattern.compile("(?<!')'(?!')");
        for (String lang : LANGUAGES) {
            Properties p = load(MESSAGES.resolve("messages_" + lang + ".properties"));
            for (String key : p.stringPropertyNames()) {
                assertFalse(lone.matcher(p.getProperty(key)).find(), lang + " " + key + ": write '' for an apostrophe: " + p.getProperty(key));
            }
        }
    }

    @Test
    void everyKeyIsOursSoNoThemeKeyCollides() throws IOException {
        for (String lang : LANGUAGES) {
            for (String key : load(MESSAGES.resolve("messages_" + lang + ".properties")).stringPropertyNames()) {
                assertTrue(key.startsWith("breach") || key.startsWith("requiredAction.breach-"), lang + " " + key);
            }
        }
    }

    @Test
    void everyKeyATemplateUsesIsDefined() throws IOException {
        Pattern msg = Pattern.compile("msg\\(\"([A-Za-z0-9_.-]+)\"\\s*[,)]");
        Properties en = load(MESSAGES.resolve("messages_en.properties"));
        // login pages at the top, emails under html/ and text/ (Keycloak's FreeMarkerEmailTemplateProvider names)
        for (Path dir : List.of(TEMPLATES, TEMPLATES.resolve("html"), TEMPLATES.resolve("text"))) {
            int seen = 0;
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".ftl")).toList()) {
                    Matcher m = msg.matcher(Files.readString(f));
                    while (m.find()) {
                        seen++;
                        String key = m.group(1);
                        assertTrue(en.containsKey(key) || !key.startsWith("breach"), f + " uses undefined " + key);
                    }
                }
            }
            assertTrue(seen > 0, dir.toString());
        }
    }

    @Test
    void everyEmailHasAnHtmlAndATextTemplate() throws IOException {
        try (var html = Files.list(TEMPLATES.resolve("html")); var text = Files.list(TEMPLATES.resolve("text"))) {
            TreeSet<String> h = new TreeSet<>(html.map(f -> f.getFileName().toString()).toList());
            TreeSet<String> t = new TreeSet<>(text.map(f -> f.getFileName().toString()).toList());
            assertFalse(h.isEmpty());
            assertEquals(h, t);
        }
    }
}
