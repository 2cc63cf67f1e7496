package dev.breachresponse.keycloak.api.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.breachresponse.keycloak.api.jobs.SubjectResolver.Route;
import dev.breachresponse.keycloak.incident.IncidentStore.StoredUser;

class SubjectResolverTest {

    private static final StoredUser LOCAL = new StoredUser("u1", "alice", "a@x.io", null, false);
    private static final StoredUser IMPORTED = new StoredUser("u2", "bob", "b@x.io", "ldap-1", false);

    @Test
    void oneLocalRowIsAnsweredFromTheTable() {
        assertEquals(Route.STORED, SubjectResolver.route("EMAIL", List.of(LOCAL), false));
        assertEquals(Route.STORED, SubjectResolver.route("USERNAME", List.of(LOCAL), true));
        assertEquals(Route.STORED, SubjectResolver.route("ID", List.of(LOCAL), true));
    }

    @Test
    void aRowLinkedToAFederationProviderGoesThroughKeycloak() {
        assertEquals(Route.KEYCLOAK, SubjectResolver.route("EMAIL", List.of(IMPORTED), false));
        assertEquals(Route.KEYCLOAK, SubjectResolver.route("ID", List.of(IMPORTED), true));
    }

    @Test
    void severalRowsAreAmbiguousWhereverTheyCameFrom() {
        assertEquals(Route.AMBIGUOUS, SubjectResolver.route("EMAIL", List.of(LOCAL, IMPORTED), true));
        assertEquals(Route.AMBIGUOUS, SubjectResolver.route("EMAIL", List.of(LOCAL, LOCAL), false));
    }

    @Test
    void noRowIsNotFoundUnlessADirectoryOrAnIdLookupMayKnowIt() {
        assertEquals(Route.NOT_FOUND, SubjectResolver.route("EMAIL", List.of(), false));
        assertEquals(Route.NOT_FOUND, SubjectResolver.route("USERNAME", List.of(), false));
        assertEquals(Route.KEYCLOAK, SubjectResolver.route("EMAIL", List.of(), true));
        assertEquals(Route.KEYCLOAK, SubjectResolver.route("USERNAME", List.of(), true));
        // federated ids (f:provider:external) and transient users have no row
        assertEquals(Route.KEYCLOAK, SubjectResolver.route("ID", List.of(), false));
    }

    @Test
    void emailsAndUsernamesCompareInLowerCaseIdsAsGiven() {
        assertEquals("dev@x.io", SubjectResolver.key("EMAIL", "Dev@X.io"));
        assertEquals("bob", SubjectResolver.key("USERNAME", "BOB"));
        assertEquals("AbC-1", SubjectResolver.key("ID", "AbC-1"));
    }
}
