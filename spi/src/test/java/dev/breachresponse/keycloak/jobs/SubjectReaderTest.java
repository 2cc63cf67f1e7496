package dev.breachresponse.keycloak.jobs;

import dev.breachresponse.keycloak.incident.SubjectType;
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
import java.util.Map;

import org.junit.jupiter.api.Test;

class SubjectReaderTest {

    private final SubjectReader reader = new SubjectReader(5, 10_000);

    @Test
    void jsonEnvelopeWithMixedSubjectsAndDryRunAfterThem() {
        List<Subject> got = new ArrayList<>();
        SubjectReader.Envelope env = reader.read(in("{\"subjects\":[{\"email\":\" A@x.io \"},{\"username\":\"bob\"},{\"id\":\"u-1\"},"
                + "{\"email\":\"nope\"},{\"email\":\"j@x.io\",\"username\":\"jane\"}],\"dryRun\":true}"), SubjectReader.Format.JSON, got::add);
        assertEquals(Boolean.TRUE, env.dryRun());
        assertEquals(5, env.count());
        assertEquals(List.of(), env.ignoredColumns());
        assertEquals(new Subject(SubjectType.EMAIL, "A@x.io", null), got.get(0));
        assertEquals(SubjectType.USERNAME, got.get(1).type());
        assertEquals(SubjectType.ID, got.get(2).type());
        assertEquals("not an email address", got.get(3).invalid());
        assertEquals(new Subject(SubjectType.USERNAME, "jane", null, Map.of(SubjectType.EMAIL, "j@x.io")), got.get(4),
                "several identifiers: username first, the email must name the same user");
    }

    @Test
    void jsonEntryShapesThatCanNeverMatchRejectTheBodyNamingTheEntry() {
        assertRejected("{\"subjects\":[{\"email\":\"a@x.io\"},{\"phone\":\"1\"}]}", SubjectReader.Format.JSON, "subjects[1]: unknown field 'phone'");
        assertRejected("{\"subjects\":[{\"id\":5}]}", SubjectReader.Format.JSON, "subjects[0].id must be a string");
        assertRejected("{\"subjects\":[{}]}", SubjectReader.Format.JSON, "subjects[0] names none of email, username, id");
        assertRejected("{\"subjects\":[\"a@x.io\"]}", SubjectReader.Format.JSON, "subjects[0] must be an object");
        assertRejected("{\"subjects\":[null]}", SubjectReader.Format.JSON, "subjects[0] must be an object");
        assertRejected("{\"email\":\"a@x.io\"}\n[1]\n", SubjectReader.Format.NDJSON, "line 2 must be an object");
        assertRejected("{\"mail\":\"a@x.io\"}\n", SubjectReader.Format.NDJSON, "line 1: unknown field 'mail'");
    }

    @Test
    void jsonValueProblemsStayPerEntry() {
        List<Subject> got = new ArrayList<>();
        reader.read(in("{\"email\":\"\"}\n{\"username\":\" \",\"email\":\"a@x.io\"}\n{\"username\":\"jane\",\"email\":\"nope\"}\n"),
                SubjectReader.Format.NDJSON, got::add);
        assertEquals("empty email", got.get(0).invalid());
        assertEquals(new Subject(SubjectType.EMAIL, "a@x.io", null), got.get(1), "a blank identifier beside a filled one is not given");
        assertEquals("email: not an email address", got.get(2).invalid());
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
        SubjectReader.Envelope env = reader.read(in("{\"email\":\"a@x.io\"}\n\n{\"username\":\"b\"}\r\n{\"id\":\"5\"}\n"), SubjectReader.Format.NDJSON, got::add);
        assertNull(env.dryRun());
        assertEquals(3, got.size());
        assertEquals(new Subject(SubjectType.ID, "5", null), got.get(2));
        assertRejected("{\"id\":5}\n", SubjectReader.Format.NDJSON, "line 1.id must be a string");
        assertRejected("{\"email\":\"a@x.io\"}\n{oops\n", SubjectReader.Format.NDJSON, "Line 2");
    }

    @Test
    void csvWithHeaderQuotesAndBadRows() {
        List<Subject> got = new ArrayList<>();
        reader.read(in("\uFEFFEmail,username\n\"a,b\"@x.io,\nc@x.io,carol\n,dave\nonly-one-cell\n,\n \"\" , \n"), SubjectReader.Format.CSV, got::add);
        assertEquals(4, got.size(), "rows of empty cells are skipped like blank lines");
        assertEquals(new Subject(SubjectType.EMAIL, "a,b@x.io", null), got.get(0));
        assertEquals(new Subject(SubjectType.USERNAME, "carol", null, Map.of(SubjectType.EMAIL, "c@x.io")), got.get(1));
        assertEquals(new Subject(SubjectType.USERNAME, "dave", null), got.get(2));
        assertEquals("row has 1 cell(s), the header 2", got.get(3).invalid());
        assertEquals("data row 4", got.get(3).value(), "a refused row is named, not stored as given");
        got.clear();
        reader.read(in("Name,username,email,password_hash\nJane,,,$2y$10$secret\n"), SubjectReader.Format.CSV, got::add);
        assertEquals("no identifier: the username, email cell(s) are empty", got.get(0).invalid());
        assertFalse(got.get(0).value().contains("secret"), "ignored columns never reach the job: " + got.get(0));
        assertRejected("", SubjectReader.Format.CSV, "header row");
        assertRejected("\"email,name\n", SubjectReader.Format.CSV, "unclosed quote");
    }

    @Test
    void csvUsernameAndEmailBothFilledAsOktaAndKeycloakExportsHaveThem() {
        List<Subject> got = new ArrayList<>();
        reader.read(in("username,email\r\njane,jane.doe@example.com\r\n"), SubjectReader.Format.CSV, got::add);
        assertEquals(List.of(new Subject(SubjectType.USERNAME, "jane", null, Map.of(SubjectType.EMAIL, "jane.doe@example.com"))), got);
        assertEquals("EMAIL:jane.doe@example.com", got.get(0).encodedAlso());
        assertEquals(got.get(0).also(), Subject.decodeAlso(got.get(0).encodedAlso()));
    }

    @Test
    void csvPrecedenceIsIdThenUsernameThenEmailWhateverTheColumnOrder() {
        List<Subject> got = new ArrayList<>();
        reader.read(in("email,username,id\nj@x.io,jane,u-1\nk@x.io,kim,\nl@x.io,,\n"), SubjectReader.Format.CSV, got::add);
        assertEquals(new Subject(SubjectType.ID, "u-1", null, Map.of(SubjectType.USERNAME, "jane", SubjectType.EMAIL, "j@x.io")), got.get(0));
        assertEquals(new Subject(SubjectType.USERNAME, "kim", null, Map.of(SubjectType.EMAIL, "k@x.io")), got.get(1));
        assertEquals(new Subject(SubjectType.EMAIL, "l@x.io", null), got.get(2));
        assertEquals("USERNAME:jane\nEMAIL:j@x.io", got.get(0).encodedAlso());
    }

    @Test
    void csvExportNamesAreRecognisedAndExtraColumnsIgnoredAndReported() {
        List<Subject> got = new ArrayList<>();
        SubjectReader.Envelope env = reader.read(in("First name,Last name,E-mail Address,Login,Status\nJane,Doe,jane.doe@example.com,jane,ACTIVE\n"),
                SubjectReader.Format.CSV, got::add);
        assertEquals(List.of("First name", "Last name", "Status"), env.ignoredColumns());
        assertEquals(new Subject(SubjectType.USERNAME, "jane", null, Map.of(SubjectType.EMAIL, "jane.doe@example.com")), got.get(0));
        assertEquals(SubjectType.EMAIL, CsvSubjects.NAMES.get(CsvSubjects.normalise(" Primary_Email ")));
        assertEquals(SubjectType.EMAIL, CsvSubjects.NAMES.get(CsvSubjects.normalise("mail")));
        assertNull(CsvSubjects.NAMES.get(CsvSubjects.normalise("User ID")), "a User ID column is often another system's id: not recognised");
    }

    @Test
    void csvSemicolonDelimiterIsDetectedFromTheHeaderAndQuotedDelimitersStillWork() {
        List<Subject> got = new ArrayList<>();
        SubjectReader.Envelope env = reader.read(in("\uFEFFName;Email\r\n\"Doe; Jane\";jane.doe@example.com\r\n\"Roe, Rick\";\"rick@example.com\"\r\n"),
                SubjectReader.Format.CSV, got::add);
        assertEquals(List.of("Name"), env.ignoredColumns());
        assertEquals(List.of(new Subject(SubjectType.EMAIL, "jane.doe@example.com", null), new Subject(SubjectType.EMAIL, "rick@example.com", null)), got);
        assertEquals(';', CsvSubjects.delimiter("a;b;c"));
        assertEquals(',', CsvSubjects.delimiter("\"a;b;c\",d"), "semicolons inside quotes do not count");
        assertEquals(',', CsvSubjects.delimiter("email"));
    }

    @Test
    void csvColumnParameterPicksOneColumnAndIgnoresTheOthers() {
        List<Subject> got = new ArrayList<>();
        SubjectReader.Envelope env = reader.read(in("Username,Email Address,Department\njane,jane.doe@example.com,Sales\n"),
                SubjectReader.Format.CSV, "email address", got::add);
        assertEquals(List.of(new Subject(SubjectType.EMAIL, "jane.doe@example.com", null)), got);
        assertEquals(List.of("Username", "Department"), env.ignoredColumns());
        assertRejected("Username,Email\njane,j@x.io\n", "Email Address", "column: the CSV header has no column 'Email Address'");
        assertRejected("Username,Department\njane,Sales\n", "Department", "column: 'Department' is not an identifier column");
        assertRejected("email,Email\na@x.io,b@x.io\n", "email", "two columns named 'email'");
    }

    @Test
    void csvHeadersThatDoomEveryRowAreRefusedNamingTheColumns() {
        assertRejected("phone\n123\n", SubjectReader.Format.CSV, "The CSV header ['phone'] has no identifier column; accepted names: id; username");
        assertRejected("Name,Phone\nJane,1\n", SubjectReader.Format.CSV, "['Name', 'Phone']");
        assertRejected("email,E-mail\na@x.io,a@x.io\n", SubjectReader.Format.CSV, "The CSV columns 'email' and 'E-mail' both hold email");
        assertRejected("Name;Phone;Notes, free text\nJane;1;x\n", SubjectReader.Format.CSV, "['Name', 'Phone', 'Notes, free text']");
    }

    @Test
    void csvRowProblemsStayPerRow() {
        List<Subject> got = new ArrayList<>();
        reader.read(in("username,email\njane,not-an-email\n\"kim,kim@x.io\nlee,lee@x.io,extra\n"), SubjectReader.Format.CSV, got::add);
        assertEquals("email: not an email address", got.get(0).invalid());
        assertTrue(got.get(1).invalid().contains("unclosed quote"));
        assertEquals("row has 3 cell(s), the header 2", got.get(2).invalid());
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
        assertEquals("empty email", Subject.of(SubjectType.EMAIL, "  ").invalid());
        assertTrue(Subject.of(SubjectType.USERNAME, "x".repeat(400)).invalid().contains("longer"));
        assertTrue(Subject.of(SubjectType.ID, "a\u0001b").invalid().contains("control"));
        assertTrue(Subject.of(SubjectType.EMAIL, "dev@example.com").isValid());
    }

    private void assertRejected(String body, SubjectReader.Format f, String messagePart) {
        assertRejected(in(body), f, messagePart);
    }

    private void assertRejected(String csv, String column, String messagePart) {
        BodyRejected e = assertThrows(BodyRejected.class, () -> reader.read(in(csv), SubjectReader.Format.CSV, column, s -> { }));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    private void assertRejected(InputStream body, SubjectReader.Format f, String messagePart) {
        BodyRejected e = assertThrows(BodyRejected.class, () -> reader.read(body, f, s -> { }));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
