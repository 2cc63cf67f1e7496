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
 * Every message of the themes exists in every shipped language, parses as a {@link MessageFormat} with the same
 * placeholders as the English one, and every key a template uses is defined.
 */
class ThemeMessagesTest {

    static final Path THEME = Path.of("..", "themes", "theme", "breach-response");

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
        for (String type : List.of("login", "email")) {
            Properties en = load(THEME.resolve(type).resolve("messages").resolve("messages_en.properties"));
            assertFalse(en.isEmpty(), type);
            for (String lang : LANGUAGES) {
                Properties p = load(THEME.resolve(type).resolve("messages").resolve("messages_" + lang + ".properties"));
                assertEquals(new TreeSet<>(en.stringPropertyNames()), new TreeSet<>(p.stringPropertyNames()), type + " " + lang);
                for (String key : p.stringPropertyNames()) {
                    String message = p.getProperty(key);
                    new MessageFormat(message); // throws on a broken pattern
                    assertEquals(placeholders(en.getProperty(key)), placeholders(message), type + " " + lang + " " + key);
                    if (!placeholders(message).isEmpty()) {
                        assertFalse(message.matches(".*[^']'[^'].*"), type + " " + lang + " " + key
                                + ": a single quote in a message with arguments hides them (write '')");
                    }
                }
            }
        }
    }

    @Test
    void everyKeyATemplateUsesIsDefined() throws IOException {
        Pattern msg = Pattern.compile("msg\\(\"([A-Za-z0-9_.-]+)\"\\s*[,)]");
        for (String type : List.of("login", "email")) {
            Properties en = load(THEME.resolve(type).resolve("messages").resolve("messages_en.properties"));
            int seen = 0;
            try (var files = Files.walk(THEME.resolve(type))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".ftl")).toList()) {
                    Matcher m = msg.matcher(Files.readString(f));
                    while (m.find()) {
                        seen++;
                        String key = m.group(1);
                        assertTrue(en.containsKey(key) || !key.startsWith("breach"), f + " uses undefined " + key);
                    }
                }
            }
            assertTrue(seen > 0, type);
        }
    }
}
