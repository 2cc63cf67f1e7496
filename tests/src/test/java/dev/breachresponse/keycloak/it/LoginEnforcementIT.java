package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.AccessToken;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;
import org.openqa.selenium.By;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a flagged developer meets at the next login, through the real login pages (HtmlUnit), real TOTP codes,
 * real tokens and the framework's SMTP server, on a realm patched by {@code POST .../breach-response/setup}.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class LoginEnforcementIT extends LoginTestBase {

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @Override
    ManagedRealm realm() {
        return realm;
    }

    @InjectMailServer
    MailServer mail;

    @BeforeEach
    void setUp() {
        JsonNode setup = fx.setup();
        assertTrue(setup.get("changed").asBoolean(), setup.toString());
        incident("leak", "[\"email\",\"location\"]", null);
    }

    // --- helpers -------------------------------------------------------------------------------------------

    void incident(String id, String exposed, String policy) {
        fx.incident(id, "Vendor leak " + id, exposed, policy);
    }

    void openLogin() {
        oauth.openLoginForm();
    }

    byte[] enrolledKey;

    void enrolTotp() {
        enrolledKey = pages.enrolTotp();
    }

    AccessTokenResponse tokens() {
        String code = oauth.parseLoginResponse().getCode();
        assertNotNull(code, "no authorization code; page: " + pages.pageText());
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
        pages.submitPassword("alice");
        AccessToken token = oauth.verifyToken(tokens().getAccessToken());
        assertEquals(Map.of("flagged", false, "remediated", false), claim(token));
        assertFalse(pages.onPage("breach-notice"));
    }

    @Test
    void flaggedUserWithoutMfaMustEnrolTotpBeforeAnyCode() {
        fx.flag("leak", "bob");
        openLogin();
        pages.submitPassword("bob");
        String notice = pages.pageText();
        assertTrue(notice.contains("Vendor leak leak"), notice);
        assertTrue(notice.contains("email address") && notice.contains("approximate location"), notice);
        assertTrue(notice.contains("How to recognise phishing"), notice);
        assertTrue(driver.getCurrentUrl().contains("/login-actions/"), "no redirect with a code before enrolment: " + driver.getCurrentUrl());
        pages.continueNotice();
        enrolTotp();
        AccessToken token = oauth.verifyToken(tokens().getAccessToken());
        assertEquals(Map.of("flagged", false, "remediated", true), claim(token));

        JsonNode f = fx.flagOf("leak", "bob");
        assertEquals("REMEDIATED", f.get("state").asText(), f.toString());
        assertEquals("otp", f.get("stepUpFactor").asText());
        assertFalse(f.get("enrolledAt").isNull());
        assertTrue(realm.admin().users().get(fx.userId("bob")).toRepresentation().getRequiredActions().isEmpty(),
                "nothing was put on the user");

        assertTrue(mail.waitForIncomingEmail(10_000, 1), "factor-added email");
        MimeMessage m = mail.getLastReceivedMessage();
        assertEquals("A new sign-in factor was added to your account", assertDoesNotThrow(m::getSubject));

        // the next login (a new browser) follows the realm's own policy: bob now has OTP, the flag is remediated
        driver.open(urls.getBase() + "/realms/" + realm.getName() + "/.well-known/openid-configuration");
        driver.driver().manage().deleteAllCookies();
        openLogin();
        pages.submitPassword("bob");
        assertTrue(pages.onPage("otp"), "the realm's conditional OTP: " + pages.pageText());
        pages.submitOtp(Totp.code(enrolledKey, 1));
        assertFalse(pages.onPage("breach-notice"));
        tokens();
    }

    @Test
    void flaggedUserWithOtpIsChallengedEvenWithLiveSsoSession() {
        openLogin();
        pages.submitPassword("carol");
        // the realm's own conditional OTP asks carol for her code at a password login
        pages.submitOtp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 0));
        tokens();

        incident("keep-sessions", "[\"email\"]", "{\"revokeSessions\":false}");
        fx.flag("keep-sessions", "carol");
        openLogin();
        // the SSO cookie identifies carol: no password form, but the breach step-up asks for the code
        assertTrue(pages.onPage("otp"), "expected the OTP challenge, got: " + pages.pageText());
        assertFalse(pages.onPage("password"));
        pages.submitOtp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 1));
        pages.continueNotice();
        AccessToken token = oauth.verifyToken(tokens().getAccessToken());
        assertTrue(String.valueOf(token.getOtherClaims().get("amr")).contains("mfa"), String.valueOf(token.getOtherClaims()));
        JsonNode f = fx.flagOf("keep-sessions", "carol");
        assertEquals("REMEDIATED", f.get("state").asText(), f.toString());
        assertEquals("otp", f.get("stepUpFactor").asText());
        assertTrue(f.get("enrolledAt").isNull());
    }

    @Test
    void directGrantIsDeniedUntilStepUpAndAcceptsOtp() {
        assertEquals(200, oauth.doPasswordGrantRequest("alice", Realms.PASSWORD).getStatusCode());
        fx.flag("leak", "bob");
        AccessTokenResponse denied = oauth.doPasswordGrantRequest("bob", Realms.PASSWORD);
        assertEquals(400, denied.getStatusCode());
        assertEquals("invalid_grant", denied.getError());
        assertTrue(denied.getErrorDescription().contains("security incident"), denied.getErrorDescription());

        fx.flag("leak", "carol");
        AccessTokenResponse noOtp = oauth.doPasswordGrantRequest("carol", Realms.PASSWORD);
        assertEquals(400, noOtp.getStatusCode());
        AccessTokenResponse withOtp = oauth.passwordGrantRequest("carol", Realms.PASSWORD)
                .otp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 0)).send();
        assertEquals(200, withOtp.getStatusCode(), withOtp.getError() + " " + withOtp.getErrorDescription());
        assertEquals("REMEDIATED", fx.flagOf("leak", "carol").get("state").asText());
    }

    @Test
    void tokensIssuedBeforeTheFlagDoNotSurviveIt() {
        AccessTokenResponse before = oauth.doPasswordGrantRequest("alice", Realms.PASSWORD);
        assertEquals(200, before.getStatusCode());
        assertEquals(200, oauth.doRefreshTokenRequest(before.getRefreshToken()).getStatusCode());
        fx.flag("leak", "alice");
        AccessTokenResponse refreshed = oauth.doRefreshTokenRequest(before.getRefreshToken());
        assertEquals(400, refreshed.getStatusCode());
        assertEquals("invalid_grant", refreshed.getError());
    }

    @Test
    void oneStepUpSettlesTwoIncidents() {
        incident("second", "[\"email\",\"name\"]", null);
        fx.flag("leak", "carol");
        fx.flag("second", "carol");
        openLogin();
        pages.submitPassword("carol");
        // the realm's own conditional OTP verifies the code; the breach step-up takes that factor, no second code
        pages.submitOtp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 0));
        assertFalse(pages.onPage("otp"), "one code is enough: " + pages.pageText());
        String notice = pages.pageText();
        assertTrue(notice.contains("Vendor leak leak") && notice.contains("Vendor leak second"), notice);
        pages.continueNotice();
        tokens();
        assertEquals("REMEDIATED", fx.flagOf("leak", "carol").get("state").asText());
        assertEquals("REMEDIATED", fx.flagOf("second", "carol").get("state").asText());
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
        fx.flag("keep-sessions", "dave");
        BreachApi asDave = new BreachApi(urls.getBase(), realm.getName(), () -> daveToken);
        String dave = fx.userId("dave");
        // each refusal on its own: one that lets dave through does not hide the others
        assertAll("dave's own token",
                () -> assertEquals(403, asDave.get("/users/" + dave + "/flags").status(), "read his flags"),
                () -> assertEquals(403, asDave.get("/incidents/keep-sessions/flags/" + dave).status(), "read his flag"),
                () -> assertEquals(403, asDave.delete("/incidents/keep-sessions/flags/" + dave + "?reason=not-me").status(), "dismiss his flag"),
                () -> assertEquals(403, asDave.post("/setup", null, "").status(), "run setup"),
                () -> assertEquals(403, asDave.putJson("/config", "{\"allowedFactors\":[\"otp\"]}").status(), "change the config"));
        assertEquals("FLAGGED", fx.flagOf("keep-sessions", "dave").get("state").asText());
    }

    @Test
    void gracePeriodLetsTheUserPostponeEnrolmentOnce() {
        BreachApi.Reply cfg = api.putJson("/config", "{\"grace\":{\"days\":0,\"skips\":1}}");
        assertEquals(200, cfg.status(), cfg.toString());
        incident("graceful", "[\"email\"]", null);
        fx.flag("graceful", "bob");
        openLogin();
        pages.submitPassword("bob");
        assertTrue(pages.onPage("kc-breach-postpone"), pages.pageText());
        driver.findElement(By.id("kc-breach-postpone")).click();
        tokens();
        JsonNode f = fx.flagOf("graceful", "bob");
        assertEquals("FLAGGED", f.get("state").asText());
        assertEquals(1, f.get("graceSkips").asInt());

        // the SSO session of the first login identifies bob: enforcement runs all the same
        openLogin();
        assertFalse(pages.onPage("password"));
        assertTrue(pages.onPage("breach-notice"), pages.pageText());
        assertFalse(pages.onPage("kc-breach-postpone"), "the one skip is used up");
        pages.continueNotice();
        enrolTotp();
        tokens();
        assertEquals("REMEDIATED", fx.flagOf("graceful", "bob").get("state").asText());
    }

    @Test
    void exposedPasswordNeedsTheMailboxThenANewPasswordThenAFactor() throws Exception {
        incident("pw", "[\"email\",\"password\"]", null);
        fx.flag("pw", "dave");
        openLogin();
        pages.submitPassword("dave");
        assertTrue(pages.pageText().contains("password"), pages.pageText());
        pages.continueNotice();
        assertTrue(pages.onPage("breach-mailbox-sent"), "the login stops at the mailbox proof: " + pages.pageText());
        assertFalse(pages.onPage("kc-totp-secret-key"), "no enrolment with the password alone");

        assertTrue(mail.waitForIncomingEmail(10_000, 1), "mailbox-proof email");
        String link = Mails.firstLink(mail.getLastReceivedMessage());
        driver.open(link);
        if (!driver.driver().findElements(By.partialLinkText("proceed")).isEmpty()) {
            driver.findElement(By.partialLinkText("proceed")).click();
        }
        // Keycloak runs the emailed actions in the realm's required-action order (OTP enrolment before the
        // password change by default); both are required before the link's session ends
        boolean passwordFirst = pages.onPage("password-new");
        if (!passwordFirst) {
            enrolTotp();
        }
        assertTrue(pages.onPage("password-new"), "the link leads to a password change: " + pages.pageText());
        driver.findElement(By.id("password-new")).sendKeys("N3w-Passw0rd!long-enough");
        driver.findElement(By.id("password-confirm")).sendKeys("N3w-Passw0rd!long-enough");
        driver.findElement(By.cssSelector("#kc-passwd-update-form button[type=submit]")).click();
        if (passwordFirst) {
            enrolTotp();
        }

        JsonNode f = fx.flagOf("pw", "dave");
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
        fx.flag("leak", "carol");
        openLogin();
        driver.findElement(By.partialLinkText("Forgot")).click();
        driver.findElement(By.id("username")).sendKeys("carol");
        driver.findElement(By.cssSelector("#kc-reset-password-form button[type=submit]")).click();
        assertTrue(mail.waitForIncomingEmail(10_000, 1), "reset email");
        driver.open(Mails.firstLink(mail.getLastReceivedMessage()));
        // the mailbox alone is not enough: the OTP comes before any new password or reset of the factor
        assertTrue(pages.onPage("otp"), "expected the OTP challenge, got: " + pages.pageText());
        assertFalse(pages.onPage("password-new"));
        pages.submitOtp("000000");
        assertTrue(pages.onPage("otp"), "a wrong code does not pass: " + pages.pageText());
        assertEquals("FLAGGED", fx.flagOf("leak", "carol").get("state").asText());
        pages.submitOtp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 0));
        assertEquals("REMEDIATED", fx.flagOf("leak", "carol").get("state").asText());
    }

    @Test
    void removingTheOnlyFactorReopensTheFlag() {
        fx.flag("leak", "bob");
        openLogin();
        pages.submitPassword("bob");
        pages.continueNotice();
        enrolTotp();
        tokens();
        assertEquals("REMEDIATED", fx.flagOf("leak", "bob").get("state").asText());

        String credentialId = realm.admin().users().get(fx.userId("bob")).credentials().stream()
                .filter(c -> "otp".equals(c.getType())).findFirst().orElseThrow().getId();
        // what the account console does in Keycloak 26: the application-initiated action delete_credential
        oauth.loginForm().kcAction("delete_credential:" + credentialId).open();
        assertTrue(pages.onPage("kc-accept"), pages.pageText());
        driver.findElement(By.id("kc-accept")).click();
        assertTrue(realm.admin().users().get(fx.userId("bob")).credentials().stream().noneMatch(c -> "otp".equals(c.getType())));
        JsonNode f = fx.flagOf("leak", "bob");
        assertEquals("FLAGGED", f.get("state").asText(), f.toString());
    }

    // invalid configurations, one case each: RealmConfigIT

    @Test
    void aValidConfigIsStoredAndNewIncidentsTakeItsFactors() {
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
        fx.flag("leak", "bob");
        java.util.Set<String> messages = new java.util.HashSet<>();
        for (String username : List.of("alice", "bob", "nobody-" + System.nanoTime())) {
            openLogin();
            driver.findElement(By.id("username")).sendKeys(username);
            driver.findElement(By.id("password")).sendKeys("wrong-password");
            driver.findElement(By.id("kc-login")).click();
            assertFalse(pages.onPage("breach-notice"));
            String shown = driver.driver().findElements(By.cssSelector("[id^='input-error-']")).stream()
                    .map(e -> e.getText().trim()).filter(t -> !t.isEmpty()).reduce("", (a, b) -> a + b);
            assertFalse(shown.isEmpty(), pages.pageText());
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
