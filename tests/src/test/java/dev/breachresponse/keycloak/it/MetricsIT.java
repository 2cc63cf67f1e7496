package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The extension's meters on Keycloak's own metrics endpoint (management port, {@code --metrics-enabled=true},
 * gauges read every 5 s in this server: {@link BreachServerConfig}), scraped after real actions: a bulk job, logins
 * of an unflagged and a flagged user, a dismissal. Counters are compared before and after (other test classes use
 * the same server); gauges are per realm. Also: every metric that docs/metrics/alerts.yaml and the Grafana
 * dashboard name exists on the endpoint.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class MetricsIT {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern NAME = Pattern.compile("keycloak_breach_[a-z_]+");

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    String realm;
    BreachApi api;

    @BeforeEach
    void realmWithUsers() {
        realm = Realms.newName("metrics");
        List<UserRepresentation> users = new ArrayList<>();
        for (String u : List.of("alice", "bob", "carol", "dave")) {
            users.add(Realms.user(UUID.randomUUID().toString(), u));
        }
        Realms.create(admin, UUID.randomUUID().toString(), realm, users);
        api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
        assertEquals(200, api.post("/setup", null, "").status());
    }

    @AfterEach
    void removeRealm() {
        admin.realm(realm).remove();
    }

    @Test
    void aBulkJobLoginsAndADismissalShowOnTheMetricsEndpoint() throws Exception {
        String before = scrape();
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Leak\",\"exposedData\":[\"email\"]}").status());
        String list = "{\"email\":\"alice@example.test\"}\n{\"email\":\"bob@example.test\"}\n{\"email\":\"carol@example.test\"}\n"
                + "{\"email\":\"nobody@example.test\"}\n";
        BreachApi.Reply accepted = api.post("/incidents/leak/flags", "application/x-ndjson", list);
        assertEquals(202, accepted.status(), accepted.toString());
        JsonNode job = api.awaitJob(accepted.json().get("id").asText(), Duration.ofSeconds(60));
        assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());

        // an unflagged user signs in; a flagged one without a second factor is refused on direct grant
        assertEquals(200, Realms.passwordGrant(urls.getBase(), realm, "dave", Realms.PASSWORD, null).get("_status").asInt());
        JsonNode refused = Realms.passwordGrant(urls.getBase(), realm, "alice", Realms.PASSWORD, null);
        assertEquals(400, refused.get("_status").asInt(), refused.toString());

        String after = scrape();
        assertEquals(3, delta(before, after, "keycloak_breach_bulk_subjects_total", "outcome=\"flagged\""), "three flagged");
        assertEquals(1, delta(before, after, "keycloak_breach_bulk_subjects_total", "outcome=\"not_found\""), "one unknown");
        assertEquals(1, delta(before, after, "keycloak_breach_bulk_jobs_seconds_count", "state=\"succeeded\""), "one job ended");
        assertTrue(value(after, "keycloak_breach_bulk_jobs_seconds_sum", "state=\"succeeded\"") > 0, "its duration");
        assertTrue(delta(before, after, "keycloak_breach_enforcement_checks_total", "result=\"not_flagged\"") >= 1, "dave was checked");
        assertTrue(delta(before, after, "keycloak_breach_enforcement_checks_total", "result=\"flagged\"") >= 1, "alice was checked");
        assertEquals(1, delta(before, after, "keycloak_breach_login_decisions_total", "decision=\"denied\""), "alice refused once");

        // gauges: read from the database every 5 s
        String realmLabel = "realm=\"" + realm + "\"";
        String gauges = awaitMetric("keycloak_breach_flags_open", 3, realmLabel, "state=\"FLAGGED\"");
        assertEquals(3, value(gauges, "keycloak_breach_incident_flags_open", realmLabel, "incident=\"leak\"", "state=\"FLAGGED\""));
        for (String outbox : List.of("reminders", "nudges", "logouts")) {
            assertTrue(value(gauges, "keycloak_breach_outbox_rows", "outbox=\"" + outbox + "\"", "state=\"PENDING\"") >= 0, outbox);
        }
        assertTrue(value(gauges, "keycloak_breach_metrics_refreshed_timestamp_seconds") > 1.7e9, "refreshed");

        String bob = admin.realm(realm).users().searchByUsername("bob", true).get(0).getId();
        assertEquals(200, api.delete("/incidents/leak/flags/" + bob + "?reason=not-ours").status());
        awaitMetric("keycloak_breach_flags_open", 2, realmLabel, "state=\"FLAGGED\"");

        // a closed incident's series goes away
        BreachApi.Reply closed = api.putJson("/incidents/leak", "{\"status\":\"CLOSED\"}");
        assertEquals(200, closed.status(), closed.toString());
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (value(scrape(), "keycloak_breach_incident_flags_open", realmLabel, "incident=\"leak\"") >= 0) {
            assertTrue(System.nanoTime() < until, "the closed incident's gauge is removed");
            Thread.sleep(500);
        }
    }

    @Test
    void everyMetricTheAlertRulesAndTheDashboardNameExists() throws Exception {
        // flags in this realm, so that the gauges with realm labels have rows
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Leak\",\"exposedData\":[\"email\"]}").status());
        String dave = admin.realm(realm).users().searchByUsername("dave", true).get(0).getId();
        assertEquals(201, api.put("/incidents/leak/flags/" + dave).status());
        String scraped = awaitMetric("keycloak_breach_flags_open", 1, "realm=\"" + realm + "\"", "state=\"FLAGGED\"");
        Set<String> exposed = names(scraped);
        Set<String> referenced = new TreeSet<>();
        Path docs = Path.of(System.getProperty("br.project.root"), "docs");
        for (String file : List.of("metrics/alerts.yaml", "metrics/grafana-dashboard.json", "metrics.md")) {
            referenced.addAll(names(Files.readString(docs.resolve(file))));
        }
        assertFalse(referenced.isEmpty(), "the files name metrics");
        Set<String> missing = new TreeSet<>(referenced);
        missing.removeAll(exposed);
        assertTrue(missing.isEmpty(), "named in docs but not on /metrics: " + missing + "; exposed: " + exposed);
    }

    // --- the endpoint ----------------------------------------------------------------------------------------

    private String scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(urls.getMetric())).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), "GET " + urls.getMetric());
        return r.body();
    }

    /** Scrapes until the sample has the value (the gauges are read every 5 s); returns that scrape. */
    private String awaitMetric(String name, double expected, String... labels) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            String s = scrape();
            double v = value(s, name, labels);
            if (v == expected) {
                return s;
            }
            assertTrue(System.nanoTime() < until, name + " " + List.of(labels) + " should be " + expected + ", is " + v);
            Thread.sleep(500);
        }
    }

    private static double delta(String before, String after, String name, String... labels) {
        return value(after, name, labels) - Math.max(0, value(before, name, labels));
    }

    /** The value of the sample {@code name} whose labels hold all of {@code labels}; -1 when there is none. */
    static double value(String scraped, String name, String... labels) {
        for (String line : scraped.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l);
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    /** The metric names in a text, as Prometheus writes them. */
    static Set<String> names(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
