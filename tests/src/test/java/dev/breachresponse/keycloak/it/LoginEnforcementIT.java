package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.AccessToken;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.oauth.OAuthClient;
import org.keycloak.testframework.oauth.annotations.InjectOAuthClient;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;
import org.keycloak.testframework.ui.annotations.InjectWebDriver;
import org.keycloak.testframework.ui.webdriver.ManagedWebDriver;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;
import org.openqa.selenium.By;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a flagged developer meets at the next login, through the real login pages (HtmlUnit), real TOTP codes,
 * real tokens and the framework's SMTP server, on a realm patched by {@code POST .../breach-response/setup}.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class LoginEnforcementIT {

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @InjectOAuthClient(lifecycle = LifeCycle.METHOD)
    OAuthClient oauth;

    @InjectWebDriver
    ManagedWebDriver driver;

    @InjectMailServer
    MailServer mail;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    BreachApi api;

    @BeforeEach
    void setUp() {
        api = new BreachApi(urls.getBase(), realm.getName(), () -> admin.tokenManager().getAccessTokenString());
        BreachApi.Reply setup = api.post("/setup", null, "");
        assertEquals(200, setup.status(), setup.toString());
        assertTrue(setup.json().get("changed").asBoolean(), setup.toString());
        incident("leak", "[\"email\",\"location\"]", null);
    }

    // --- helpers -------------------------------------------------------------------------------------------

    void incident(String id, String exposed, String policy) {
        String body = "{\"id\":\"" + id + "\",\"title\":\"Vendor leak " + id + "\",\"exposedData\":" + exposed
                + (policy == null ? "" : ",\"policy\":" + policy) + "}";
        BreachApi.Reply r = api.postJson("/incidents", body);
        assertEquals(201, r.status(), r.toString());
    }

    String userId(String username) {
        return realm.admin().users().searchByUsername(username, true).get(0).getId();
    }

    void flag(String incident, String username) {
        BreachApi.Reply r = api.put("/incidents/" + incident + "/flags/" + userId(username));
        assertTrue(r.status() == 200 || r.status() == 201, r.toString());
    }

    JsonNode flagOf(String incident, String username) {
        BreachApi.Reply r = api.get("/incidents/" + incident + "/flags/" + userId(username));
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    void openLogin() {
        oauth.openLoginForm();
    }

    void submitPassword(String username) {
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(Realms.PASSWORD);
        driver.findElement(By.id("kc-login")).click();
    }

    boolean onPage(String id) {
        return !driver.driver().findElements(By.id(id)).isEmpty();
    }

    String pageText() {
        return driver.getCurrentUrl() + "\n" + driver.findElement(By.tagName("body")).getText();
    }

    void submitOtp(String code) {
        driver.findElement(By.id("otp")).sendKeys(code);
        driver.findElement(By.id("kc-login")).click();
    }

    byte[] enrolledKey;

    /** Enrols TOTP on Keycloak's configure-OTP page with a code computed from the secret it shows. */
    void enrolTotp() {
        if (onPage("kc-breach-choice-form")) {
            // several factors allowed (the default): the factor choice page first (FactorChoiceIT covers it)
            driver.findElement(By.id("breach-factor-otp")).click();
            driver.findElement(By.id("kc-breach-choose")).click();
        }
        if (onPage("mode-manual")) {
            // the page opens in QR-code mode; the manual mode shows the secret as text
            driver.findElement(By.id("mode-manual")).click();
        }
        assertTrue(onPage("kc-totp-secret-key"), "expected the configure-OTP page, got: " + pageText());
        byte[] key = Totp.keyOfShown(driver.findElement(By.id("kc-totp-secret-key")).getText());
        enrolledKey = key;
        driver.findElement(By.id("totp")).sendKeys(Totp.code(key, 0));
        driver.findElement(By.cssSelector("#kc-totp-settings-form input[type=submit]")).click();
    }

    void continueNotice() {
        assertTrue(onPage("breach-notice"), "expected the breach notice, got: " + pageText());
        driver.findElement(By.id("kc-breach-continue")).click();
    }

    AccessTokenResponse tokens() {
        String code = oauth.parseLoginResponse().getCode();
        assertNotNull(code, "no authorization code; page: " + pageText());
        AccessTokenResponse t = oauth.doAccessTokenRequest(code);
        assertEquals(200, t.getStatusCode(), t.getError() + " " + t.getErrorDescription());
        return t;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> claim(AccessToken token) {
        return (Map<String, Object>) token.getOtherClaims().get("breach_response");
    }

    // --- tests ---------------------------------------------------------------------------------------------

    @Test
    void unflaggedUserLogsInWithPasswordOnly() {
        openLogin();
        submitPassword("alice");
        AccessToken token = oauth.verifyToken(tokens().getAccessToken());
        assertEquals(Map.of("flagged", false, "remediated", false), claim(token));
        assertFalse(onPage("breach-notice"));
    }

    @Test
    void flaggedUserWithoutMfaMustEnrolTotpBeforeAnyCode() {
        flag("leak", "bob");
        openLogin();
        submitPassword("bob");
        String notice = pageText();
        assertTrue(notice.contains("Vendor leak leak"), notice);
        assertTrue(notice.contains("email address") && notice.contains("approximate location"), notice);
        assertTrue(notice.contains("How to recognise phishing"), notice);
        assertTrue(driver.getCurrentUrl().contains("/login-actions/"), "no redirect with a code before enrolment: " + driver.getCurrentUrl());
        continueNotice();
        enrolTotp();
        AccessToken token = oauth.verifyToken(tokens().getAccessToken());
        assertEquals(Map.of("flagged", false, "remediated", true), claim(token));

        JsonNode f = flagOf("leak", "bob");
        assertEquals("REMEDIATED", f.get("state").asText(), f.toString());
        assertEquals("otp", f.get("stepUpFactor").asText());
        assertFalse(f.get("enrolledAt").isNull());
        assertTrue(realm.admin().users().get(userId("bob")).toRepresentation().getRequiredActions().isEmpty(),
                "nothing was put on the user");

        assertTrue(mail.waitForIncomingEmail(10_000, 1), "factor-added email");
        MimeMessage m = mail.getLastReceivedMessage();
        assertEquals("A new sign-in factor was added to your account", assertDoesNotThrow(m::getSubject));

        // the next login (a new browser) follows the realm's own policy: bob now has OTP, the flag is remediated
        driver.open(urls.getBase() + "/realms/" + realm.getName() + "/.well-known/openid-configuration");
        driver.driver().manage().deleteAllCookies();
        openLogin();
        submitPassword("bob");
        assertTrue(onPage("otp"), "the realm's conditional OTP: " + pageText());
        submitOtp(Totp.code(enrolledKey, 1));
        assertFalse(onPage("breach-notice"));
        tokens();
    }

    @Test
    void flaggedUserWithOtpIsChallengedEvenWithLiveSsoSession() {
        openLogin();
        submitPassword("carol");
        // the realm's own conditional OTP asks carol for her code at a password login
        submitOtp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 0));
        tokens();

        incident("keep-sessions", "[\"email\"]", "{\"revokeSessions\":false}");
        flag("keep-sessions", "carol");
        openLogin();
        // the SSO cookie identifies carol: no password form, but the breach step-up asks for the code
        assertTrue(onPage("otp"), "expected the OTP challenge, got: " + pageText());
        assertFalse(onPage("password"));
        submitOtp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 1));
        continueNotice();
        AccessToken token = oauth.verifyToken(tokens().getAccessToken());
        assertTrue(String.valueOf(token.getOtherClaims().get("amr")).contains("mfa"), String.valueOf(token.getOtherClaims()));
        JsonNode f = flagOf("keep-sessions", "carol");
        assertEquals("REMEDIATED", f.get("state").asText(), f.toString());
        assertEquals("otp", f.get("stepUpFactor").asText());
        assertTrue(f.get("enrolledAt").isNull());
    }

    @Test
    void directGrantIsDeniedUntilStepUpAndAcceptsOtp() {
        assertEquals(200, oauth.doPasswordGrantRequest("alice", Realms.PASSWORD).getStatusCode());
        flag("leak", "bob");
        AccessTokenResponse denied = oauth.doPasswordGrantRequest("bob", Realms.PASSWORD);
        assertEquals(400, denied.getStatusCode());
        assertEquals("invalid_grant", denied.getError());
        assertTrue(denied.getErrorDescription().contains("security incident"), denied.getErrorDescription());

        flag("leak", "carol");
        AccessTokenResponse noOtp = oauth.doPasswordGrantRequest("carol", Realms.PASSWORD);
        assertEquals(400, noOtp.getStatusCode());
        AccessTokenResponse withOtp = oauth.passwordGrantRequest("carol", Realms.PASSWORD)
                .otp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 0)).send();
        assertEquals(200, withOtp.getStatusCode(), withOtp.getError() + " " + withOtp.getErrorDescription());
        assertEquals("REMEDIATED", flagOf("leak", "carol").get("state").asText());
    }

    @Test
    void tokensIssuedBeforeTheFlagDoNotSurviveIt() {
        AccessTokenResponse before = oauth.doPasswordGrantRequest("alice", Realms.PASSWORD);
        assertEquals(200, before.getStatusCode());
        assertEquals(200, oauth.doRefreshTokenRequest(before.getRefreshToken()).getStatusCode());
        flag("leak", "alice");
        AccessTokenResponse refreshed = oauth.doRefreshTokenRequest(before.getRefreshToken());
        assertEquals(400, refreshed.getStatusCode());
        assertEquals("invalid_grant", refreshed.getError());
    }

    @Test
    void oneStepUpSettlesTwoIncidents() {
        incident("second", "[\"email\",\"name\"]", null);
        flag("leak", "carol");
        flag("second", "carol");
        openLogin();
        submitPassword("carol");
        // the realm's own conditional OTP verifies the code; the breach step-up takes that factor, no second code
        submitOtp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 0));
        assertFalse(onPage("otp"), "one code is enough: " + pageText());
        String notice = pageText();
        assertTrue(notice.contains("Vendor leak leak") && notice.contains("Vendor leak second"), notice);
        continueNotice();
        tokens();
        assertEquals("REMEDIATED", flagOf("leak", "carol").get("state").asText());
        assertEquals("REMEDIATED", flagOf("second", "carol").get("state").asText());
    }

    @Test
    void setupTwiceChangesNothingTheSecondTime() {
        BreachApi.Reply again = api.post("/setup", null, "");
        assertEquals(200, again.status(), again.toString());
        assertFalse(again.json().get("changed").asBoolean(), again.toString());
        assertEquals(0, again.json().path("changes").size(), again.toString());
        assertTrue(again.json().get("flows").get("browser").asText().startsWith("breach response - "));
    }

    @Test
    void theUserCannotReadOrClearTheirOwnFlag() {
        String daveToken = oauth.doPasswordGrantRequest("dave", Realms.PASSWORD).getAccessToken();
        assertNotNull(daveToken);
        incident("keep-sessions", "[\"email\"]", "{\"revokeSessions\":false}");
        flag("keep-sessions", "dave");
        BreachApi asDave = new BreachApi(urls.getBase(), realm.getName(), () -> daveToken);
        assertEquals(403, asDave.get("/users/" + userId("dave") + "/flags").status());
        assertEquals(403, asDave.get("/incidents/keep-sessions/flags/" + userId("dave")).status());
        assertEquals(403, asDave.delete("/incidents/keep-sessions/flags/" + userId("dave") + "?reason=not-me").status());
        assertEquals(403, asDave.post("/setup", null, "").status());
        assertEquals(403, asDave.putJson("/config", "{\"allowedFactors\":[\"otp\"]}").status());
        assertEquals("FLAGGED", flagOf("keep-sessions", "dave").get("state").asText());
    }


    @Test
    void gracePeriodLetsTheUserPostponeEnrolmentOnce() {
        BreachApi.Reply cfg = api.putJson("/config", "{\"grace\":{\"days\":0,\"skips\":1}}");
        assertEquals(200, cfg.status(), cfg.toString());
        incident("graceful", "[\"email\"]", null);
        flag("graceful", "bob");
        openLogin();
        submitPassword("bob");
        assertTrue(onPage("kc-breach-postpone"), pageText());
        driver.findElement(By.id("kc-breach-postpone")).click();
        tokens();
        JsonNode f = flagOf("graceful", "bob");
        assertEquals("FLAGGED", f.get("state").asText());
        assertEquals(1, f.get("graceSkips").asInt());

        // the SSO session of the first login identifies bob: enforcement runs all the same
        openLogin();
        assertFalse(onPage("password"));
        assertTrue(onPage("breach-notice"), pageText());
        assertFalse(onPage("kc-breach-postpone"), "the one skip is used up");
        continueNotice();
        enrolTotp();
        tokens();
        assertEquals("REMEDIATED", flagOf("graceful", "bob").get("state").asText());
    }

    @Test
    void exposedPasswordNeedsTheMailboxThenANewPasswordThenAFactor() throws Exception {
        incident("pw", "[\"email\",\"password\"]", null);
        flag("pw", "dave");
        openLogin();
        submitPassword("dave");
        assertTrue(pageText().contains("password"), pageText());
        continueNotice();
        assertTrue(onPage("breach-mailbox-sent"), "the login stops at the mailbox proof: " + pageText());
        assertFalse(onPage("kc-totp-secret-key"), "no enrolment with the password alone");

        assertTrue(mail.waitForIncomingEmail(10_000, 1), "mailbox-proof email");
        String link = Mails.firstLink(mail.getLastReceivedMessage());
        driver.open(link);
        if (!driver.driver().findElements(By.partialLinkText("proceed")).isEmpty()) {
            driver.findElement(By.partialLinkText("proceed")).click();
        }
        // Keycloak runs the emailed actions in the realm's required-action order (OTP enrolment before the
        // password change by default); both are required before the link's session ends
        boolean passwordFirst = onPage("password-new");
        if (!passwordFirst) {
            enrolTotp();
        }
        assertTrue(onPage("password-new"), "the link leads to a password change: " + pageText());
        driver.findElement(By.id("password-new")).sendKeys("N3w-Passw0rd!long-enough");
        driver.findElement(By.id("password-confirm")).sendKeys("N3w-Passw0rd!long-enough");
        driver.findElement(By.cssSelector("#kc-passwd-update-form button[type=submit]")).click();
        if (passwordFirst) {
            enrolTotp();
        }

        JsonNode f = flagOf("pw", "dave");
        assertEquals("REMEDIATED", f.get("state").asText(), f.toString());
        assertFalse(f.get("passwordChangedAt").isNull());
        assertFalse(f.get("enrolledAt").isNull());
        assertTrue(mail.waitForIncomingEmail(10_000, 2), "factor-added email");
    }

    @Test
    void resetCredentialsAsksAFlaggedUserForTheirFactorFirst() throws Exception {
        var rep = realm.admin().toRepresentation();
        rep.setResetPasswordAllowed(true);
        realm.admin().update(rep);
        flag("leak", "carol");
        openLogin();
        driver.findElement(By.partialLinkText("Forgot")).click();
        driver.findElement(By.id("username")).sendKeys("carol");
        driver.findElement(By.cssSelector("#kc-reset-password-form button[type=submit]")).click();
        assertTrue(mail.waitForIncomingEmail(10_000, 1), "reset email");
        driver.open(Mails.firstLink(mail.getLastReceivedMessage()));
        // the mailbox alone is not enough: the OTP comes before any new password or reset of the factor
        assertTrue(onPage("otp"), "expected the OTP challenge, got: " + pageText());
        assertFalse(onPage("password-new"));
        submitOtp("000000");
        assertTrue(onPage("otp"), "a wrong code does not pass: " + pageText());
        assertEquals("FLAGGED", flagOf("leak", "carol").get("state").asText());
        submitOtp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 0));
        assertEquals("REMEDIATED", flagOf("leak", "carol").get("state").asText());
    }

    @Test
    void removingTheOnlyFactorReopensTheFlag() {
        flag("leak", "bob");
        openLogin();
        submitPassword("bob");
        continueNotice();
        enrolTotp();
        tokens();
        assertEquals("REMEDIATED", flagOf("leak", "bob").get("state").asText());

        String credentialId = realm.admin().users().get(userId("bob")).credentials().stream()
                .filter(c -> "otp".equals(c.getType())).findFirst().orElseThrow().getId();
        // what the account console does in Keycloak 26: the application-initiated action delete_credential
        oauth.loginForm().kcAction("delete_credential:" + credentialId).open();
        assertTrue(onPage("kc-accept"), pageText());
        driver.findElement(By.id("kc-accept")).click();
        assertTrue(realm.admin().users().get(userId("bob")).credentials().stream().noneMatch(c -> "otp".equals(c.getType())));
        JsonNode f = flagOf("leak", "bob");
        assertEquals("FLAGGED", f.get("state").asText(), f.toString());
    }

    @Test
    void configIsValidatedAndNeedsManageRealm() {
        assertEquals(400, api.putJson("/config", "{\"allowedFactors\":[\"sms\"]}").status());
        assertEquals(400, api.putJson("/config", "{\"unknown\":1}").status());
        assertEquals(400, api.putJson("/config", "{\"grace\":{\"days\":-1}}").status());
        assertEquals(400, api.putJson("/config", "{\"enrolmentFactor\":\"webauthn\",\"allowedFactors\":[\"otp\"]}").status());
        assertEquals(400, api.putJson("/config", "[]").status());
        BreachApi.Reply bad = api.putJson("/config", "{\"noticeText\":{\"not a tag\":\"x\"}}");
        assertEquals("invalid_request", bad.json().get("error").asText());
        // nothing half-written: the defaults still apply
        JsonNode current = api.get("/config").json();
        assertEquals("otp", current.get("enrolmentFactor").asText());
        assertEquals(0, current.at("/grace/skips").asInt());
        BreachApi.Reply ok = api.putJson("/config", "{\"allowedFactors\":[\"webauthn\",\"otp\"],\"noticeText\":{\"en\":\"Questions? Call the help desk on 1234.\"}}");
        assertEquals(200, ok.status(), ok.toString());
        assertEquals("Questions? Call the help desk on 1234.", api.get("/config").json().at("/noticeText/en").asText());
        // new incidents take the realm's factors
        incident("after-config", "[\"email\"]", null);
        JsonNode inc = api.get("/incidents/after-config").json();
        assertEquals("[\"webauthn\",\"otp\"]", inc.at("/policy/allowedFactors").toString());
    }


    @Test
    void flaggedUnflaggedAndUnknownUsersSeeTheSameErrorForAWrongPassword() {
        flag("leak", "bob");
        java.util.Set<String> messages = new java.util.HashSet<>();
        for (String username : List.of("alice", "bob", "nobody-" + System.nanoTime())) {
            openLogin();
            driver.findElement(By.id("username")).sendKeys(username);
            driver.findElement(By.id("password")).sendKeys("wrong-password");
            driver.findElement(By.id("kc-login")).click();
            assertFalse(onPage("breach-notice"));
            String shown = driver.driver().findElements(By.cssSelector("[id^='input-error-']")).stream()
                    .map(e -> e.getText().trim()).filter(t -> !t.isEmpty()).reduce("", (a, b) -> a + b);
            assertFalse(shown.isEmpty(), pageText());
            messages.add(shown);
        }
        assertEquals(1, messages.size(), "one message for all three: " + messages);
    }

    @Test
    void setupReportsClientOverridesItCannotPatch() {
        var flows = realm.admin().flows().getFlows();
        String original = flows.stream().filter(f -> "browser".equals(f.getAlias())).findFirst().orElseThrow().getId();
        var client = realm.admin().clients().findByClientId("test-app").get(0);
        client.setAuthenticationFlowBindingOverrides(Map.of("browser", original));
        realm.admin().clients().get(client.getId()).update(client);
        BreachApi.Reply again = api.post("/setup", null, "");
        assertEquals(200, again.status(), again.toString());
        String report = again.json().get("notPatched").toString();
        assertTrue(report.contains("Client 'test-app' overrides its browser flow with 'browser'"), report);
        assertTrue(again.json().get("adminEventsEnabled").asBoolean());
    }

    private static <T> T assertDoesNotThrow(ThrowingSupplier<T> s) {
        try {
            return s.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }
}
