package dev.breachresponse.keycloak.ssf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.UncheckedIOException;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The inbox's form of a verified SET: what {@link VerifiedSet#toClaims()} writes, {@link VerifiedSet#fromClaims} reads back. */
class VerifiedSetTest {

    @Test
    void theClaimsRoundTripWithEventAndSubject() {
        ObjectNode event = Outbound.JSON.createObjectNode().put("credential_type", "password");
        ObjectNode subject = Outbound.JSON.createObjectNode().put("format", "email").put("email", "alice@example.test");
        VerifiedSet set = new VerifiedSet("jti-1", "https://tx.example", 1_796_000_000L, "txn-9", SsfEventTypes.CREDENTIAL_COMPROMISE, event, subject);

        String claims = set.toClaims();
        VerifiedSet back = VerifiedSet.fromClaims(claims);

        assertEquals(set, back);
        assertEquals("email", back.subjectFormat());
        assertFalse(claims.contains("\"alg\"") || claims.contains("signature"), "no header, no signature: " + claims);
    }

    @Test
    void absentTxnEventAndSubjectStayAbsent() {
        VerifiedSet set = new VerifiedSet("jti-2", "https://tx.example", 1L, null, "https://example.com/other", null, null);

        VerifiedSet back = VerifiedSet.fromClaims(set.toClaims());

        assertEquals(set, back);
        assertNull(back.txn());
        assertNull(back.event());
        assertNull(back.subjectFormat());
    }

    @Test
    void unreadableClaimsFailLoudly() {
        assertThrows(UncheckedIOException.class, () -> VerifiedSet.fromClaims("{not json"));
    }
}
