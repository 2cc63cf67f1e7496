package dev.breachresponse.keycloak.incident.jpa;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

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
        StringWriter out = new StringWriter(items.size() * 48);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (JobStore.NewItem i : items) {
                g.writeStartArray();
                g.writeString(i.subjectType() == null ? null : i.subjectType().name());
                g.writeString(i.subject());
                g.writeString(i.invalidReason());
                g.writeString(i.also());
                g.writeEndArray();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The page's subjects as unprocessed job items, those from {@code fromSeq} on: outcome null, or INVALID with
     * the reason as detail for a subject refused at intake.
     *
     * @throws IllegalStateException the body is not a page this class wrote
     */
    static List<JobItem> decode(int firstSeq, String body, int fromSeq) {
        List<JobItem> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_ARRAY);
            int seq = firstSeq;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), seq++) {
                expect(t, JsonToken.START_ARRAY);
                String type = text(p);
                String subject = text(p);
                String invalid = text(p);
                String also = text(p);
                expect(p.nextToken(), JsonToken.END_ARRAY);
                if (seq >= fromSeq) {
                    boolean refused = invalid != null;
                    out.add(new JobItem(seq, type == null ? null : SubjectType.valueOf(type), subject,
                            refused ? ItemOutcome.INVALID : null, null,
                            refused && invalid.length() > DETAIL_MAX ? invalid.substring(0, DETAIL_MAX) : invalid, also));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("A stored page of bulk job items could not be read", e);
        }
        return out;
    }

    /** A processed chunk's items (consecutive sequence numbers, each with its outcome) as a result page's body. */
    static String encodeResults(List<JobItem> items) {
        StringWriter out = new StringWriter(items.size() * 64);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (JobItem i : items) {
                g.writeStartArray();
                g.writeString(i.subjectType() == null ? null : i.subjectType().name());
                g.writeString(i.subject());
                g.writeString(i.outcome() == null ? null : i.outcome().name());
                g.writeString(i.userId());
                g.writeString(i.detail() == null || i.detail().length() <= DETAIL_MAX ? i.detail() : i.detail().substring(0, DETAIL_MAX));
                g.writeString(i.also());
                g.writeEndArray();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * A result page's items, numbered from {@code firstSeq}, as {@link #encodeResults} wrote them.
     *
     * @throws IllegalStateException the body is not a result page this class wrote
     */
    static List<JobItem> decodeResults(int firstSeq, String body) {
        List<JobItem> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_ARRAY);
            int seq = firstSeq;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), seq++) {
                expect(t, JsonToken.START_ARRAY);
                String type = text(p);
                String subject = text(p);
                String outcome = text(p);
                String userId = text(p);
                String detail = text(p);
                String also = text(p);
                expect(p.nextToken(), JsonToken.END_ARRAY);
                out.add(new JobItem(seq, type == null ? null : SubjectType.valueOf(type), subject,
                        outcome == null ? null : ItemOutcome.valueOf(outcome), userId, detail, also));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("A stored page of bulk job results could not be read", e);
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
