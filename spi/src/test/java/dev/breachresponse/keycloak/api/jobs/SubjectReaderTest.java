package dev.breachresponse.keycloak.api.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SubjectReaderTest {

    private final SubjectReader reader = new SubjectReader(5, 10_000);

    @Test
    void jsonEnvelopeWithMixedSubjectsAndDryRunAfterThem() {
        List<Subject> got = new ArrayList<>();
        SubjectReader.Envelope env = reader.read(in("{\"subjects\":[{\"email\":\" A@x.io \"},{\"username\":\"bob\"},{\"id\":\"u-1\"},"
                + "{\"email\":\"nope\"},{\"phone\":\"1\"}],\"dryRun\":true}"), SubjectReader.Format.JSON, got::add);
        assertEquals(Boolean.TRUE, env.dryRun());
        assertEquals(5, env.count());
        assertEquals(new Subject(Subject.Type.EMAIL, "A@x.io", null), got.get(0));
        assertEquals(Subject.Type.USERNAME, got.get(1).type());
        assertEquals(Subject.Type.ID, got.get(2).type());
        assertEquals("not an email address", got.get(3).invalid());
        assertTrue(got.get(4).invalid().contains("unknown key 'phone'"));
    }

    @Test
    void jsonSyntaxAndShapeErrorsRejectTheWholeBody() {
        assertRejected("{\"subjects\":[{\"email\":\"a@x\"}", SubjectReader.Format.JSON, "JSON");
        assertRejected("[]", SubjectReader.Format.JSON, "JSON object");
        assertRejected("{\"subjects\":[],\"admin\":true}", SubjectReader.Format.JSON, "Unknown field 'admin'");
        assertRejected("{\"dryRun\":true}", SubjectReader.Format.JSON, "subjects is required");
        assertRejected("{\"subjects\":{}}", SubjectReader.Format.JSON, "must be an array");
        assertRejected("", SubjectReader.Format.JSON, "");
    }

    @Test
    void ndjsonOneSubjectPerLineSkippingBlankLines() {
        List<Subject> got = new ArrayList<>();
        SubjectReader.Envelope env = reader.read(in("{\"email\":\"a@x.io\"}\n\n{\"username\":\"b\"}\r\n{\"id\":5}\n"), SubjectReader.Format.NDJSON, got::add);
        assertNull(env.dryRun());
        assertEquals(3, got.size());
        assertEquals("id must be a string", got.get(2).invalid());
        assertRejected("{\"email\":\"a@x.io\"}\n{oops\n", SubjectReader.Format.NDJSON, "Line 2");
    }

    @Test
    void csvWithHeaderQuotesAndBadRows() {
        List<Subject> got = new ArrayList<>();
        reader.read(in("\uFEFFEmail,username\n\"a,b\"@x.io,\nc@x.io,carol\n,dave\nonly-one-cell\n"), SubjectReader.Format.CSV, got::add);
        assertEquals(4, got.size());
        assertEquals(new Subject(Subject.Type.EMAIL, "a,b@x.io", null), got.get(0));
        assertTrue(got.get(1).invalid().contains("exactly one"));
        assertEquals(new Subject(Subject.Type.USERNAME, "dave", null), got.get(2));
        assertTrue(got.get(3).invalid().contains("column"));
        assertRejected("phone\n123\n", SubjectReader.Format.CSV, "Unknown CSV column 'phone'");
        assertRejected("", SubjectReader.Format.CSV, "header row");
    }

    @Test
    void capsOnEntriesAndBytesRejectAsTooLarge() {
        BodyRejected many = assertThrows(BodyRejected.class, () -> reader.read(in("{\"id\":\"1\"}\n".repeat(6)), SubjectReader.Format.NDJSON, s -> { }));
        assertTrue(many.tooLarge());
        assertTrue(many.getMessage().contains("More than 5"));
        BodyRejected big = assertThrows(BodyRejected.class, () -> new SubjectReader(1_000_000, 100)
                .read(in("{\"id\":\"" + "x".repeat(200) + "\"}"), SubjectReader.Format.NDJSON, s -> { }));
        assertTrue(big.tooLarge());
        assertFalse(assertThrows(BodyRejected.class, () -> reader.read(in("{oops"), SubjectReader.Format.NDJSON, s -> { })).tooLarge());
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] bad = {'e', 'm', 'a', 'i', 'l', '\n', (byte) 0xC3, (byte) 0x28, '\n'};
        assertRejected(new ByteArrayInputStream(bad), SubjectReader.Format.CSV, "UTF-8");
    }

    @Test
    void subjectValidation() {
        assertEquals("empty email", Subject.of(Subject.Type.EMAIL, "  ").invalid());
        assertTrue(Subject.of(Subject.Type.USERNAME, "x".repeat(400)).invalid().contains("longer"));
        assertTrue(Subject.of(Subject.Type.ID, "a\u0001b").invalid().contains("control"));
        assertTrue(Subject.of(Subject.Type.EMAIL, "dev@example.com").isValid());
    }

    private void assertRejected(String body, SubjectReader.Format f, String messagePart) {
        assertRejected(in(body), f, messagePart);
    }

    private void assertRejected(InputStream body, SubjectReader.Format f, String messagePart) {
        BodyRejected e = assertThrows(BodyRejected.class, () -> reader.read(body, f, s -> { }));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
