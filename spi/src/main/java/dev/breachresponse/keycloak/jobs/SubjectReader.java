package dev.breachresponse.keycloak.jobs;

import dev.breachresponse.keycloak.incident.SubjectType;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
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
 * the body is never held whole. Syntax errors, caps and whatever the shape of the body already dooms for every
 * entry (an unknown field, a non-string identifier, a CSV header without an identifier column: see
 * {@link CsvSubjects}) reject the whole body ({@link BodyRejected}, a 400 naming the field or column); a value
 * problem of one entry (empty, not an email, too long) makes that entry an invalid {@link Subject}.
 */
public final class SubjectReader {

    public enum Format { JSON, NDJSON, CSV }

    /** What the body said beyond its subjects. */
    public record Envelope(Boolean dryRun, int count, List<String> ignoredColumns) {
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
        return read(body, format, null, sink);
    }

    /**
     * @param column CSV only: the header name of the one column to read ({@code ?column=}), or null for every
     *               recognised identifier column
     * @throws BodyRejected the whole body is refused (nothing of it may be stored)
     */
    public Envelope read(InputStream body, Format format, String column, Consumer<Subject> sink) {
        InputStream in = new Capped(body, maxBytes);
        Counter counter = new Counter(sink, maxEntries);
        try {
            return switch (format) {
                case JSON -> readJson(in, counter);
                case NDJSON -> readNdjson(in, counter);
                case CSV -> readCsv(in, counter, column);
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
                            sink.accept(fromNode(node, "subjects[" + sink.count + "]"));
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
        return new Envelope(dryRun, sink.count, List.of());
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
                sink.accept(fromNode(node, "line " + line));
            }
        }
        return new Envelope(null, sink.count, List.of());
    }

    private Envelope readCsv(InputStream in, Counter sink, String column) throws IOException {
        try (BufferedReader r = utf8(in)) {
            CsvSubjects csv = CsvSubjects.header(r.readLine(), column);
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                if (!s.isBlank()) {
                    csv.row(s, sink);
                }
            }
            return new Envelope(null, sink.count, csv.ignored());
        }
    }

    /**
     * One subject object: one or more of email, username, id, each a string (several: they must name the same
     * user). A value problem (empty, not an email, too long) makes the entry invalid; a shape problem (not an
     * object, an unknown field, a non-string value, no identifier) refuses the body, naming {@code where}.
     */
    static Subject fromNode(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new BodyRejected(where + " must be an object with email, username or id", false);
        }
        if (node.isEmpty()) {
            throw new BodyRejected(where + " names none of email, username, id", false);
        }
        Map<SubjectType, String> given = new EnumMap<>(SubjectType.class);
        SubjectType first = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            SubjectType type = switch (e.getKey()) {
                case "email" -> SubjectType.EMAIL;
                case "username" -> SubjectType.USERNAME;
                case "id" -> SubjectType.ID;
                default -> throw new BodyRejected(where + ": unknown field '" + clip(e.getKey()) + "'; use email, username or id", false);
            };
            if (!e.getValue().isTextual()) {
                throw new BodyRejected(where + "." + e.getKey() + " must be a string", false);
            }
            first = first == null ? type : first;
            if (!e.getValue().textValue().isBlank()) {
                given.put(type, e.getValue().textValue());
            }
        }
        return given.isEmpty() ? Subject.of(first, "") : Subject.of(given);
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
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
}
