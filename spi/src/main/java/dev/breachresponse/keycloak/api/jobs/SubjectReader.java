package dev.breachresponse.keycloak.api.jobs;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Streams the subjects of a bulk flag body (JSON envelope, NDJSON or CSV) to a consumer, one at a time, so
 * the body is never held whole. Syntax errors and caps reject the whole body ({@link BodyRejected});
 * an unusable entry becomes an invalid {@link Subject}.
 */
public final class SubjectReader {

    public enum Format { JSON, NDJSON, CSV }

    /** What the body said beyond its subjects. */
    public record Envelope(Boolean dryRun, int count) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private final int maxEntries;
    private final long maxBytes;

    public SubjectReader(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    public Envelope read(InputStream body, Format format, Consumer<Subject> sink) {
        InputStream in = new Capped(body, maxBytes);
        Counter counter = new Counter(sink, maxEntries);
        try {
            return switch (format) {
                case JSON -> readJson(in, counter);
                case NDJSON -> readNdjson(in, counter);
                case CSV -> readCsv(in, counter);
            };
        } catch (TooLarge e) {
            throw new BodyRejected("The body is larger than " + maxBytes + " bytes; split the list into several requests", true);
        } catch (JsonParseException e) {
            throw new BodyRejected("The body is not valid JSON near line " + e.getLocation().getLineNr(), false);
        } catch (CharacterCodingException e) {
            throw new BodyRejected("The body is not UTF-8", false);
        } catch (IOException e) {
            if (e.getCause() instanceof TooLarge) {
                throw new BodyRejected("The body is larger than " + maxBytes + " bytes; split the list into several requests", true);
            }
            throw new BodyRejected("The body could not be read", false);
        }
    }

    private Envelope readJson(InputStream in, Counter sink) throws IOException {
        Boolean dryRun = null;
        boolean sawSubjects = false;
        try (JsonParser p = FACTORY.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BodyRejected("The body must be a JSON object {\"subjects\":[...]}", false);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "subjects" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw new BodyRejected("subjects must be an array", false);
                        }
                        sawSubjects = true;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (p.currentToken() == null) {
                                throw new BodyRejected("The body ends inside the subjects array", false);
                            }
                            JsonNode node = MAPPER.readTree(p);
                            sink.accept(fromNode(node));
                        }
                    }
                    case "dryRun" -> {
                        if (!value.isBoolean()) {
                            throw new BodyRejected("dryRun must be true or false", false);
                        }
                        dryRun = value == JsonToken.VALUE_TRUE;
                    }
                    default -> throw new BodyRejected("Unknown field '" + field + "'; allowed: subjects, dryRun", false);
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new BodyRejected("The body must hold exactly one JSON object", false);
            }
        }
        if (!sawSubjects) {
            throw new BodyRejected("subjects is required", false);
        }
        return new Envelope(dryRun, sink.count);
    }

    private Envelope readNdjson(InputStream in, Counter sink) throws IOException {
        try (BufferedReader r = utf8(in)) {
            int line = 0;
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                line++;
                if (s.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = MAPPER.readTree(s);
                } catch (JsonParseException e) {
                    throw new BodyRejected("Line " + line + " is not a JSON object", false);
                }
                sink.accept(fromNode(node));
            }
        }
        return new Envelope(null, sink.count);
    }

    private Envelope readCsv(InputStream in, Counter sink) throws IOException {
        try (BufferedReader r = utf8(in)) {
            String header = r.readLine();
            if (header == null || header.isBlank()) {
                throw new BodyRejected("CSV needs a header row naming a column email, username or id", false);
            }
            if (header.startsWith("\uFEFF")) {
                header = header.substring(1);
            }
            List<String> names = Csv.split(header);
            if (names == null) {
                throw new BodyRejected("The CSV header row has an unclosed quote", false);
            }
            Subject.Type[] columns = new Subject.Type[names.size()];
            boolean any = false;
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i).strip().toLowerCase(Locale.ROOT);
                columns[i] = switch (n) {
                    case "email" -> Subject.Type.EMAIL;
                    case "username" -> Subject.Type.USERNAME;
                    case "id" -> Subject.Type.ID;
                    default -> throw new BodyRejected("Unknown CSV column '" + names.get(i) + "'; use email, username or id", false);
                };
                any = true;
            }
            if (!any) {
                throw new BodyRejected("CSV needs a header row naming a column email, username or id", false);
            }
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                if (s.isBlank()) {
                    continue;
                }
                List<String> cells = Csv.split(s);
                if (cells == null || cells.size() != columns.length) {
                    sink.accept(Subject.invalid(s, "row does not have " + columns.length + " column(s)"));
                    continue;
                }
                Subject found = null;
                int given = 0;
                for (int i = 0; i < columns.length; i++) {
                    if (!cells.get(i).isBlank()) {
                        given++;
                        found = Subject.of(columns[i], cells.get(i));
                    }
                }
                sink.accept(given == 1 ? found : Subject.invalid(s, "give exactly one of email, username, id"));
            }
        }
        return new Envelope(null, sink.count);
    }

    /** One subject object: exactly one of email, username, id, as a string. */
    static Subject fromNode(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Subject.invalid(node == null ? null : node.toString(), "an entry must be an object with email, username or id");
        }
        if (node.size() != 1) {
            return Subject.invalid(node.toString(), "give exactly one of email, username, id");
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        Map.Entry<String, JsonNode> e = it.next();
        Subject.Type type = switch (e.getKey()) {
            case "email" -> Subject.Type.EMAIL;
            case "username" -> Subject.Type.USERNAME;
            case "id" -> Subject.Type.ID;
            default -> null;
        };
        if (type == null) {
            return Subject.invalid(node.toString(), "unknown key '" + e.getKey() + "'; use email, username or id");
        }
        if (!e.getValue().isTextual()) {
            return Subject.invalid(node.toString(), e.getKey() + " must be a string");
        }
        return Subject.of(type, e.getValue().textValue());
    }

    private static BufferedReader utf8(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)), 64 * 1024);
    }

    private static final class Counter implements Consumer<Subject> {
        private final Consumer<Subject> sink;
        private final int max;
        int count;

        Counter(Consumer<Subject> sink, int max) {
            this.sink = sink;
            this.max = max;
        }

        @Override
        public void accept(Subject s) {
            if (++count > max) {
                throw new BodyRejected("More than " + max + " subjects in one request; split the list into several requests", true);
            }
            sink.accept(s);
        }
    }

    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** Fails the read once more than {@code max} bytes came through. */
    private static final class Capped extends FilterInputStream {
        private final long max;
        private long seen;

        Capped(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(long n) throws TooLarge {
            seen += n;
            if (seen > max) {
                throw new TooLarge();
            }
        }
    }

    /** Minimal RFC 4180 field splitting for one line; null when a quote is left open. */
    static final class Csv {
        private Csv() {
        }

        static List<String> split(String line) {
            List<String> out = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"') {
                        if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                            cur.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        cur.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    out.add(cur.toString());
                    cur.setLength(0);
                } else {
                    cur.append(c);
                }
            }
            if (quoted) {
                return null;
            }
            out.add(cur.toString());
            return out;
        }
    }
}
