package dev.breachresponse.keycloak.incident.jpa;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.breachresponse.keycloak.incident.ItemOutcome;
import dev.breachresponse.keycloak.incident.JobItem;
import dev.breachresponse.keycloak.incident.JobStore;
import dev.breachresponse.keycloak.incident.SubjectType;

/**
 * The body of a {@code BR_JOB_PAGE} row: a bulk request's submitted subjects as stored at intake, one row per
 * intake batch instead of one {@code BR_JOB_ITEM} row per subject (issue 15: a 100,000-subject request became
 * 100 rows instead of 100,000, each with its primary-key, outcome-index and foreign-key work). The body is a JSON
 * array with one array per subject, in sequence order from the page's first sequence number:
 * {@code [type, subject, invalidReason, also]}, each a string or null ({@code type}: a {@link SubjectType} name;
 * {@code also}: {@code Subject.encodedAlso()}). JSON, so any character a subject may hold round-trips.
 * <p>
 * The body of a {@code BR_JOB_RESULT} row is a processed chunk in the same way, one array per subject:
 * {@code [type, subject, outcome, userId, detail, also]} ({@code outcome}: an {@link ItemOutcome} name).
 */
final class ItemPages {

    private static final JsonFactory JSON = new JsonFactory();

    /** {@code DETAIL} is VARCHAR(255): a reason read back from a page is clipped as a row would be. */
    static final int DETAIL_MAX = 255;

    private ItemPages() {
    }

    static String encode(List<JobStore.NewItem> items) {
        return write(items, i -> new String[] {i.subjectType() == null ? null : i.subjectType().name(), i.subject(), i.invalidReason(), i.also()});
    }

    /**
     * The page's subjects as unprocessed job items, those from {@code fromSeq} on: outcome null, or INVALID with
     * the reason as detail for a subject refused at intake.
     *
     * @throws IllegalStateException the body is not a page this class wrote
     */
    static List<JobItem> decode(int firstSeq, String body, int fromSeq) {
        List<String[]> entries = read(body, 4, "items");
        List<JobItem> out = new ArrayList<>();
        try {
            for (int k = Math.max(0, fromSeq - firstSeq); k < entries.size(); k++) {
                String[] e = entries.get(k);
                String invalid = e[2];
                boolean refused = invalid != null;
                out.add(new JobItem(firstSeq + k, type(e[0]), e[1], refused ? ItemOutcome.INVALID : null, null,
                        refused && invalid.length() > DETAIL_MAX ? invalid.substring(0, DETAIL_MAX) : invalid, e[3]));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("A stored page of bulk job items could not be read", e);
        }
        return out;
    }

    /** A processed chunk's items (consecutive sequence numbers, each with its outcome) as a result page's body. */
    static String encodeResults(List<JobItem> items) {
        return write(items, i -> new String[] {i.subjectType() == null ? null : i.subjectType().name(), i.subject(),
                i.outcome() == null ? null : i.outcome().name(), i.userId(),
                i.detail() == null || i.detail().length() <= DETAIL_MAX ? i.detail() : i.detail().substring(0, DETAIL_MAX), i.also()});
    }

    /**
     * A result page's items, numbered from {@code firstSeq}, as {@link #encodeResults} wrote them.
     *
     * @throws IllegalStateException the body is not a result page this class wrote
     */
    static List<JobItem> decodeResults(int firstSeq, String body) {
        List<String[]> entries = read(body, 6, "results");
        List<JobItem> out = new ArrayList<>(entries.size());
        try {
            for (int k = 0; k < entries.size(); k++) {
                String[] e = entries.get(k);
                out.add(new JobItem(firstSeq + k, type(e[0]), e[1], e[2] == null ? null : ItemOutcome.valueOf(e[2]), e[3], e[4], e[5]));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("A stored page of bulk job results could not be read", e);
        }
        return out;
    }

    private static SubjectType type(String name) {
        return name == null ? null : SubjectType.valueOf(name);
    }

    /** A JSON array with one array of strings (or nulls) per item, as {@code fields} gives them. */
    private static <T> String write(List<T> items, Function<T, String[]> fields) {
        StringWriter out = new StringWriter(items.size() * 56);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (T i : items) {
                g.writeStartArray();
                for (String f : fields.apply(i)) {
                    g.writeString(f);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The entries of a body {@link #write} wrote, each exactly {@code width} strings (or nulls).
     *
     * @throws IllegalStateException the body has another shape ({@code what} names it in the message)
     */
    private static List<String[]> read(String body, int width, String what) {
        List<String[]> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_ARRAY);
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                expect(t, JsonToken.START_ARRAY);
                String[] fields = new String[width];
                for (int k = 0; k < width; k++) {
                    fields[k] = text(p);
                }
                expect(p.nextToken(), JsonToken.END_ARRAY);
                out.add(fields);
            }
        } catch (IOException e) {
            throw new IllegalStateException("A stored page of bulk job " + what + " could not be read", e);
        }
        return out;
    }

    private static String text(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.VALUE_STRING);
        return p.getText();
    }

    private static void expect(JsonToken got, JsonToken wanted) throws IOException {
        if (got != wanted) {
            throw new IOException("expected " + wanted + ", found " + got);
        }
    }
}
