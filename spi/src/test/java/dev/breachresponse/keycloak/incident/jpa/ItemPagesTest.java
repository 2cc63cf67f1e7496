package dev.breachresponse.keycloak.incident.jpa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.breachresponse.keycloak.incident.ItemOutcome;
import dev.breachresponse.keycloak.incident.JobItem;
import dev.breachresponse.keycloak.incident.JobStore.NewItem;
import dev.breachresponse.keycloak.incident.SubjectType;

class ItemPagesTest {

    @Test
    void subjectsRoundTripInSequenceOrder() {
        List<NewItem> given = List.of(
                new NewItem(SubjectType.EMAIL, "a@example.com", null),
                new NewItem(SubjectType.USERNAME, "quote\"back\\slash,comma\u00e9\u4e16", null, "EMAIL:b@example.com\nID:42"),
                new NewItem(SubjectType.EMAIL, "not-an-email", "not an email address"),
                new NewItem(null, "x".repeat(10), "y".repeat(300)));
        List<JobItem> read = ItemPages.decode(7000, ItemPages.encode(given), 0);

        assertEquals(4, read.size());
        assertEquals(new JobItem(7000, SubjectType.EMAIL, "a@example.com", null, null, null, null), read.get(0));
        assertEquals(new JobItem(7001, SubjectType.USERNAME, "quote\"back\\slash,comma\u00e9\u4e16", null, null, null, "EMAIL:b@example.com\nID:42"), read.get(1));
        assertEquals(new JobItem(7002, SubjectType.EMAIL, "not-an-email", ItemOutcome.INVALID, null, "not an email address", null), read.get(2));
        JobItem refused = read.get(3);
        assertNull(refused.subjectType());
        assertEquals(ItemOutcome.INVALID, refused.outcome());
        assertEquals(ItemPages.DETAIL_MAX, refused.detail().length(), "a long reason is clipped as the DETAIL column would");
    }

    @Test
    void readsFromTheGivenSequenceOn() {
        String body = ItemPages.encode(List.of(new NewItem(SubjectType.ID, "u1", null), new NewItem(SubjectType.ID, "u2", null),
                new NewItem(SubjectType.ID, "u3", null)));
        assertEquals(List.of(11, 12), ItemPages.decode(10, body, 11).stream().map(JobItem::seq).toList());
        assertEquals(List.of(), ItemPages.decode(10, body, 13));
    }

    @Test
    void aBodyItDidNotWriteIsRefused() {
        assertThrows(IllegalStateException.class, () -> ItemPages.decode(0, "{\"a\":1}", 0));
        assertThrows(IllegalStateException.class, () -> ItemPages.decode(0, "[[\"NOPE\",\"a\",null,null]]", 0));
        assertThrows(IllegalStateException.class, () -> ItemPages.decode(0, "[[\"EMAIL\",\"a\",null]]", 0));
    }

    @Test
    void resultsRoundTripWithOutcomesInSequenceOrder() {
        List<JobItem> chunk = List.of(
                new JobItem(500, SubjectType.EMAIL, "a@example.com", ItemOutcome.FLAGGED, "u-1", null, null),
                new JobItem(501, SubjectType.USERNAME, "quote\"back\\slash,comma\u00e9\u4e16", ItemOutcome.ALREADY_FLAGGED, "u-2", "REMEDIATED",
                        "EMAIL:b@example.com\nID:42"),
                new JobItem(502, SubjectType.EMAIL, "nobody@example.com", ItemOutcome.NOT_FOUND, null, null, null),
                new JobItem(503, null, "x", ItemOutcome.INVALID, null, "y".repeat(300), null));
        List<JobItem> read = ItemPages.decodeResults(500, ItemPages.encodeResults(chunk));

        assertEquals(chunk.subList(0, 3), read.subList(0, 3));
        assertEquals(4, read.size());
        assertEquals(503, read.get(3).seq());
        assertEquals(ItemOutcome.INVALID, read.get(3).outcome());
        assertEquals(ItemPages.DETAIL_MAX, read.get(3).detail().length(), "a long detail is clipped as the DETAIL column would");
        assertEquals(List.of(9, 10), ItemPages.decodeResults(9, ItemPages.encodeResults(chunk.subList(0, 2))).stream().map(JobItem::seq).toList(),
                "numbered from the page's first sequence number");
    }

    @Test
    void aResultBodyItDidNotWriteIsRefused() {
        assertThrows(IllegalStateException.class, () -> ItemPages.decodeResults(0, "[[\"EMAIL\",\"a\",null,null]]"));
        assertThrows(IllegalStateException.class, () -> ItemPages.decodeResults(0, "[[\"EMAIL\",\"a\",\"LOST\",null,null,null]]"));
        assertThrows(IllegalStateException.class, () -> ItemPages.decodeResults(0, "[\"EMAIL\"]"));
    }
}
