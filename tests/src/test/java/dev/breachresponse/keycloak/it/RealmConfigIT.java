package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code PUT .../breach-response/config} refuses an invalid body with 400 and writes none of it, one case each.
 * The cases write nothing, so they share one set-up realm made once per class. A valid configuration and its
 * effects are tested where they act (LoginEnforcementIT, SafeRolloutIT, HygieneIT, ReminderIT).
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class RealmConfigIT {

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.CLASS)
    ManagedRealm realm;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    BreachApi api;

    @BeforeEach
    void setUp() {
        Fixtures fx = new Fixtures(urls, realm, admin);
        api = fx.api;
        fx.setup(); // idempotent: changes the realm the first time only
    }

    static Stream<Arguments> invalidConfigs() {
        Consumer<BreachApi.Reply> statusOnly = r -> { };
        return Stream.of(
                Arguments.of("a factor that does not exist", "{\"allowedFactors\":[\"sms\"]}", statusOnly),
                Arguments.of("an unknown key", "{\"unknown\":1}", statusOnly),
                Arguments.of("negative grace days", "{\"grace\":{\"days\":-1}}", statusOnly),
                Arguments.of("an enrolment factor that is not allowed", "{\"enrolmentFactor\":\"webauthn\",\"allowedFactors\":[\"otp\"]}", statusOnly),
                Arguments.of("an array", "[]", statusOnly),
                Arguments.of("a notice text under a key that is no language tag", "{\"noticeText\":{\"not a tag\":\"x\"}}",
                        (Consumer<BreachApi.Reply>) r -> assertEquals("invalid_request", r.json().get("error").asText(), r.toString())),
                Arguments.of("an unknown enforcement mode", "{\"enforcement\":\"audit\"}",
                        (Consumer<BreachApi.Reply>) r -> assertTrue(r.body().contains("enforcement"), r.body())),
                Arguments.of("a break-glass group that does not exist", "{\"breakGlass\":{\"groups\":[\"/no-such-group\"]}}",
                        (Consumer<BreachApi.Reply>) r -> assertTrue(r.body().contains("/no-such-group"), r.body())),
                Arguments.of("a hygiene interval below the minimum", "{\"hygiene\":{\"everyDays\":2}}",
                        (Consumer<BreachApi.Reply>) r -> assertTrue(r.json().get("message").asText().contains("hygiene.everyDays"), r.toString())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfigs")
    void anInvalidConfigIsRefusedWith400AndNothingIsHalfWritten(String name, String body, Consumer<BreachApi.Reply> alsoCheck) {
        JsonNode before = api.get("/config").json();
        BreachApi.Reply r = api.putJson("/config", body);
        assertEquals(400, r.status(), r.toString());
        alsoCheck.accept(r);
        JsonNode after = api.get("/config").json();
        assertEquals(before, after, "nothing half-written");
        // the defaults still apply
        assertEquals("otp", after.get("enrolmentFactor").asText());
        assertEquals(0, after.at("/grace/skips").asInt());
    }
}
