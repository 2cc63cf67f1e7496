package dev.breachresponse.keycloak.jobs;

import dev.breachresponse.keycloak.incident.SubjectType;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.breachresponse.keycloak.jobs.SubjectResolver.Route;
import dev.breachresponse.keycloak.incident.IncidentStore.StoredUser;
import dev.breachresponse.keycloak.incident.JobItem;
import dev.breachresponse.keycloak.revocation.SessionRevoker.Target;

class SubjectResolverTest {

    private static final StoredUser LOCAL = new StoredUser("u1", "alice", "a@x.io", null, false);
    private static final StoredUser IMPORTED = new StoredUser("u2", "bob", "b@x.io", "ldap-1", false);

    @Test
    void oneLocalRowIsAnsweredFromTheTable() {
        assertEquals(Route.STORED, SubjectResolver.route(SubjectType.EMAIL, List.of(LOCAL), false));
        assertEquals(Route.STORED, SubjectResolver.route(SubjectType.USERNAME, List.of(LOCAL), true));
        assertEquals(Route.STORED, SubjectResolver.route(SubjectType.ID, List.of(LOCAL), true));
    }

    @Test
    void aRowLinkedToAFederationProviderGoesThroughKeycloak() {
        assertEquals(Route.KEYCLOAK, SubjectResolver.route(SubjectType.EMAIL, List.of(IMPORTED), false));
        assertEquals(Route.KEYCLOAK, SubjectResolver.route(SubjectType.ID, List.of(IMPORTED), true));
    }

    @Test
    void severalRowsAreAmbiguousWhereverTheyCameFrom() {
        assertEquals(Route.AMBIGUOUS, SubjectResolver.route(SubjectType.EMAIL, List.of(LOCAL, IMPORTED), true));
        assertEquals(Route.AMBIGUOUS, SubjectResolver.route(SubjectType.EMAIL, List.of(LOCAL, LOCAL), false));
    }

    @Test
    void noRowIsNotFoundUnlessADirectoryOrAnIdLookupMayKnowIt() {
        assertEquals(Route.NOT_FOUND, SubjectResolver.route(SubjectType.EMAIL, List.of(), false));
        assertEquals(Route.NOT_FOUND, SubjectResolver.route(SubjectType.USERNAME, List.of(), false));
        assertEquals(Route.KEYCLOAK, SubjectResolver.route(SubjectType.EMAIL, List.of(), true));
        assertEquals(Route.KEYCLOAK, SubjectResolver.route(SubjectType.USERNAME, List.of(), true));
        // federated ids (f:provider:external) and transient users have no row
        assertEquals(Route.KEYCLOAK, SubjectResolver.route(SubjectType.ID, List.of(), false));
    }

    @Test
    void emailsAndUsernamesCompareInLowerCaseIdsAsGiven() {
        assertEquals("dev@x.io", SubjectResolver.key(SubjectType.EMAIL, "Dev@X.io"));
        assertEquals("bob", SubjectResolver.key(SubjectType.USERNAME, "BOB"));
        assertEquals("AbC-1", SubjectResolver.key(SubjectType.ID, "AbC-1"));
    }

    private static final SubjectResolver.Found JANE = new SubjectResolver.Found(Route.STORED, new Target("u-jane", "jane", "j@x.io", null));
    private static final SubjectResolver.Found BOB = new SubjectResolver.Found(Route.KEYCLOAK, new Target("u-bob", "bob", "b@x.io", null));
    private static final SubjectResolver.Found NOBODY = new SubjectResolver.Found(Route.NOT_FOUND, null);
    private static final SubjectResolver.Found SEVERAL = new SubjectResolver.Found(Route.AMBIGUOUS, null);

    @Test
    void identifiersNamingTheSameUserIdentifyIt() {
        assertEquals(JANE, SubjectResolver.combine(List.of(JANE)));
        assertEquals(JANE, SubjectResolver.combine(List.of(JANE, new SubjectResolver.Found(Route.KEYCLOAK, new Target("u-jane", "jane", null, null)))));
    }

    @Test
    void identifiersNamingNobodyArePassedOver() {
        // an identifier of another system (or of a user the submitter may not manage) does not block the others
        assertEquals(JANE, SubjectResolver.combine(List.of(NOBODY, JANE)));
        assertEquals(JANE, SubjectResolver.combine(List.of(JANE, NOBODY)));
        assertEquals(Route.NOT_FOUND, SubjectResolver.combine(List.of(NOBODY, NOBODY)).route());
    }

    @Test
    void identifiersNamingDifferentUsersConflictAndSeveralUsersStayAmbiguous() {
        assertEquals(Route.CONFLICT, SubjectResolver.combine(List.of(JANE, BOB)).route());
        assertEquals(Route.CONFLICT, SubjectResolver.combine(List.of(NOBODY, JANE, BOB)).route());
        assertEquals(Route.AMBIGUOUS, SubjectResolver.combine(List.of(JANE, SEVERAL)).route());
        assertEquals(Route.AMBIGUOUS, SubjectResolver.combine(List.of(SEVERAL)).route());
    }

    @Test
    void anItemsIdentifiersAreItsSubjectThenTheOthersInPrecedenceOrder() {
        JobItem item = new JobItem(0, SubjectType.USERNAME, "jane", null, null, null, "EMAIL:j@x.io");
        assertEquals(List.of(new SubjectResolver.Identifier(SubjectType.USERNAME, "jane"), new SubjectResolver.Identifier(SubjectType.EMAIL, "j@x.io")),
                SubjectResolver.identifiers(item));
        assertEquals("identifiers disagree: the username and the email given name different users; none flagged",
                ChunkProcessor.conflict(item, List.of(JANE, BOB)));
        assertEquals(List.of(new SubjectResolver.Identifier(SubjectType.EMAIL, "a@x.io")),
                SubjectResolver.identifiers(new JobItem(1, SubjectType.EMAIL, "a@x.io", null, null, null)));
    }
}
