package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.AuthorizationResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.representations.idm.authorization.ScopePermissionRepresentation;
import org.keycloak.representations.idm.authorization.UserPolicyRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The files people actually have (issue 11, "a 202 that flags nobody"): export-shaped CSV with several
 * identifier columns and extra columns, European Excel's {@code ;}, {@code ?column=}, and the shapes that are
 * refused with a 400 naming the column before anything is stored. The example files of docs/examples are
 * posted as they are.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class BulkCsvShapesIT {

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    String realm;
    String janeId;
    String bobId;
    String rickId;
    BreachApi api;

    @BeforeEach
    void realmWithJaneBobAndRick() {
        realm = Realms.newName("csv");
        janeId = UUID.randomUUID().toString();
        bobId = UUID.randomUUID().toString();
        rickId = UUID.randomUUID().toString();
        List<UserRepresentation> users = new ArrayList<>(List.of(user(janeId, "jane", "jane.doe@example.com"),
                user(bobId, "bob", "bob.roe@example.com"), user(rickId, "rick", "rick.moe@example.com")));
        RealmRepresentation r = new RealmRepresentation();
        r.setRealm(realm);
        r.setEnabled(true);
        r.setAdminPermissionsEnabled(true);
        r.setUsers(users);
        admin.realms().create(r);
        api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Leak\",\"exposedData\":[\"email\"]}").status());
    }

    @AfterEach
    void removeRealm() {
        admin.realm(realm).remove();
    }

    @Test
    void usernameAndEmailBothFilledFlagsJane() {
        JsonNode job = run(api.post("/incidents/leak/flags", "text/csv", "username,email\r\njane,jane.doe@example.com\r\n"));
        assertEquals(1, job.at("/counts/flagged").asInt(), job.toString());
        assertEquals(0, job.at("/counts/invalid").asInt(), job.toString());
        JsonNode item = items(job, "FLAGGED").get(0);
        assertEquals(janeId, item.get("userId").asText());
        assertEquals("username", item.get("subjectType").asText());
        assertEquals("jane.doe@example.com", item.at("/alsoGiven/email").asText(), item.toString());
        assertEquals(1, api.get("/users/" + janeId + "/flags").json().size());
    }

    @Test
    void semicolonFileFromEuropeanExcelFlags() throws Exception {
        JsonNode job = run(api.post("/incidents/leak/flags", "text/csv", example("excel-semicolon.csv")));
        assertEquals(2, job.at("/counts/flagged").asInt(), job.toString());
        assertEquals(1, job.at("/counts/notFound").asInt(), "the made-up third user is not in the realm: " + job);
        assertEquals(List.of("Name", "Department"), strings(job.get("ignoredColumns")));
        assertEquals(1, api.get("/users/" + bobId + "/flags").json().size());
    }

    @Test
    void columnParameterPicksTheEmailAddressColumn() {
        String csv = "Username,Email Address,Department\njane-old-login,jane.doe@example.com,Sales\n";
        JsonNode job = run(api.post("/incidents/leak/flags?column=" + query("Email Address"), "text/csv", csv));
        assertEquals(1, job.at("/counts/flagged").asInt(), "the stale Username column is not read: " + job);
        assertEquals(List.of("Username", "Department"), strings(job.get("ignoredColumns")));
        assertEquals("email", items(job, "FLAGGED").get(0).get("subjectType").asText());
    }

    @Test
    void extraColumnsOfAnOktaExportAreIgnoredAndReported() throws Exception {
        JsonNode job = run(api.post("/incidents/leak/flags", "text/csv", example("okta-export.csv")));
        assertEquals(2, job.at("/counts/flagged").asInt(), job.toString());
        assertEquals(List.of("First name", "Last name", "Status"), strings(job.get("ignoredColumns")));
        // Okta's email-shaped Username names nobody here (jane's Keycloak username is jane): her Primary email identifies her
        JsonNode jane = items(job, "FLAGGED").get(0);
        assertEquals(janeId, jane.get("userId").asText(), jane.toString());
        assertEquals("jane.doe@example.com", jane.get("subject").asText());
    }

    @Test
    void keycloakExportAndJsonAndNdjsonExamplesFlag() throws Exception {
        JsonNode kc = run(api.post("/incidents/leak/flags", "text/csv", example("keycloak-export.csv")));
        assertEquals(2, kc.at("/counts/flagged").asInt(), kc.toString());
        JsonNode json = run(api.postJson("/incidents/leak/flags", example("subjects.json")));
        assertEquals(3, json.at("/counts/flagged").asInt() + json.at("/counts/alreadyFlagged").asInt(), json.toString());
        JsonNode nd = run(api.post("/incidents/leak/flags", "application/x-ndjson", example("subjects.ndjson")));
        assertEquals(3, nd.at("/counts/alreadyFlagged").asInt(), nd.toString());
    }

    @Test
    void conflictingIdentifiersAreReportedAndNotFlagged() {
        JsonNode job = run(api.post("/incidents/leak/flags", "text/csv", "username,email\njane,bob.roe@example.com\nrick,nobody@example.com\n"));
        assertEquals(1, job.at("/counts/ambiguous").asInt(), job.toString());
        assertEquals(1, job.at("/counts/flagged").asInt(), "rick: an email naming nobody does not block his username: " + job);
        JsonNode conflict = items(job, "AMBIGUOUS").get(0);
        assertEquals("jane", conflict.get("subject").asText());
        assertTrue(conflict.get("userId").isNull(), conflict.toString());
        assertEquals("identifiers disagree: the username and the email given name different users; none flagged",
                conflict.get("detail").asText());
        assertEquals(0, api.get("/users/" + janeId + "/flags").json().size());
        assertEquals(0, api.get("/users/" + bobId + "/flags").json().size());
    }

    @Test
    void aUserOutOfTheSubmittersReachReadsAsNobodyNotAsAConflict() throws Exception {
        admin.realm(realm).users().create(user(null, "helpdesk", "helpdesk@example.com")).close();
        String helpdeskId = admin.realm(realm).users().search("helpdesk", true).get(0).getId();
        Realms.grant(admin, realm, helpdeskId, "query-users");
        ClientRepresentation permClient = admin.realm(realm).clients().findByClientId("admin-permissions").get(0);
        AuthorizationResource authz = admin.realm(realm).clients().get(permClient.getId()).authorization();
        UserPolicyRepresentation policy = new UserPolicyRepresentation();
        policy.setName("helpdesk-is-helpdesk");
        policy.addUser(helpdeskId);
        try (Response resp = authz.policies().user().create(policy)) {
            assertEquals(201, resp.getStatus());
        }
        ScopePermissionRepresentation permission = new ScopePermissionRepresentation();
        permission.setName("helpdesk-manages-jane");
        permission.setResourceType("Users");
        permission.setResources(Set.of(janeId));
        permission.setScopes(Set.of("view", "manage"));
        permission.setPolicies(Set.of("helpdesk-is-helpdesk"));
        try (Response resp = authz.permissions().scope().create(permission)) {
            assertEquals(201, resp.getStatus(), resp.readEntity(String.class));
        }
        JsonNode t = Realms.passwordGrant(urls.getBase(), realm, "helpdesk", Realms.PASSWORD, null);
        assertEquals(200, t.get("_status").asInt(), t.toString());
        String token = t.get("access_token").asText();
        BreachApi limited = new BreachApi(urls.getBase(), realm, () -> token);

        // bob is out of reach: his email must not turn jane's row into a conflict (that would reveal bob)
        BreachApi.Reply accepted = limited.post("/incidents/leak/flags", "text/csv", "username,email\njane,bob.roe@example.com\nbob,jane.doe@example.com\n");
        assertEquals(202, accepted.status(), accepted.toString());
        JsonNode job = limited.awaitJob(accepted.json().get("id").asText(), Duration.ofSeconds(60));
        assertEquals(2, job.at("/counts/flagged").asInt() + job.at("/counts/alreadyFlagged").asInt(), job.toString());
        assertEquals(0, job.at("/counts/ambiguous").asInt(), job.toString());
        assertEquals(1, api.get("/users/" + janeId + "/flags").json().size());
        assertEquals(0, api.get("/users/" + bobId + "/flags").json().size());
    }

    @Test
    void shapesThatDoomEveryRowAre400NamingTheColumnAndStoreNoJob() {
        BreachApi.Reply noId = api.post("/incidents/leak/flags", "text/csv", "Name,Phone\nJane,123\n");
        assertError(noId, "['Name', 'Phone']");
        assertError(noId, "accepted names: id; username, login, login name; email, e-mail, email address, mail, primary email");
        assertError(api.post("/incidents/leak/flags?column=" + query("Email Address"), "text/csv", "username,email\njane,jane.doe@example.com\n"),
                "no column 'Email Address'");
        assertError(api.post("/incidents/leak/flags", "text/csv", "email,E-mail\njane.doe@example.com,jane.doe@example.com\n"),
                "'email' and 'E-mail' both hold email");
        assertError(api.postJson("/incidents/leak/flags?column=email", "{\"subjects\":[{\"email\":\"jane.doe@example.com\"}]}"),
                "column applies to text/csv bodies only");
        assertError(api.postJson("/incidents/leak/flags", "{\"subjects\":[{\"email\":\"jane.doe@example.com\"},{\"mail\":\"bob.roe@example.com\"}]}"),
                "subjects[1]: unknown field 'mail'");
        assertError(api.post("/incidents/leak/flags", "application/x-ndjson", "{\"username\":\"jane\"}\n{\"id\":42}\n"), "line 2.id must be a string");
        assertEquals(0, api.get("/incidents/leak/jobs").json().size(), "no job stored for a refused request");
        assertEquals(0, api.get("/users/" + janeId + "/flags").json().size());
    }

    @Test
    void theIdempotencyKeyCoversTheColumn() {
        String csv = "username,email\njane,jane.doe@example.com\n";
        BreachApi.Reply a = api.send("POST", "/incidents/leak/flags?column=email", "text/csv", csv, "Idempotency-Key", "csv-part-1");
        BreachApi.Reply b = api.send("POST", "/incidents/leak/flags?column=email", "text/csv", csv, "Idempotency-Key", "csv-part-1");
        assertEquals(202, a.status(), a.toString());
        assertEquals(a.json().get("id"), b.json().get("id"));
        BreachApi.Reply c = api.send("POST", "/incidents/leak/flags?column=username", "text/csv", csv, "Idempotency-Key", "csv-part-1");
        assertEquals(422, c.status(), c.toString());
        BreachApi.Reply d = api.send("POST", "/incidents/leak/flags", "text/csv", csv, "Idempotency-Key", "csv-part-1");
        assertNotEquals(202, d.status(), "no column is another request than column=email: " + d);
    }

    private JsonNode run(BreachApi.Reply accepted) {
        assertEquals(202, accepted.status(), accepted.toString());
        JsonNode job = api.awaitJob(accepted.json().get("id").asText(), Duration.ofSeconds(60));
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
        return job;
    }

    private JsonNode items(JsonNode job, String outcome) {
        return api.get("/jobs/" + job.get("id").asText() + "/items?outcome=" + outcome).json();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String query(String v) {
        return BreachApi.enc(v).replace("+", "%20");
    }

    private static String example(String name) throws Exception {
        return Files.readString(Path.of(System.getProperty("br.project.root"), "docs", "examples", name));
    }

    private static void assertError(BreachApi.Reply r, String messagePart) {
        assertEquals(400, r.status(), r.toString());
        assertEquals("invalid_request", r.json().path("error").asText(), r.toString());
        assertTrue(r.json().path("message").asText().contains(messagePart), r.toString());
    }

    private static UserRepresentation user(String id, String username, String email) {
        UserRepresentation u = Realms.user(id, username);
        u.setEmail(email);
        return u;
    }
}
