package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.events.Errors;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.realm.RealmBuilder;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;
import org.openqa.selenium.By;

/**
 * The breach step-up counts wrong codes in Keycloak's brute-force protection exactly as Keycloak's own forms do
 * (one wrong code = one failure), and a locked-out user is refused there even with the right code: after an
 * SSO cookie, at a fresh login, on direct grant, in reset credentials, with recovery codes. The realm's own
 * conditional OTP is switched off in the copied flows so that the step-up is what asks for the factor.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class StepUpBruteForceIT extends LoginTestBase {

    static final String RITA_RECOVERY_CODE = "RITARECOVERY1";
    static final byte[] CAROL_KEY = Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET);

    /** EnforcementRealm with brute-force detection (3 failures, no quick-login shortcut) and rita (recovery codes). */
    public static class BruteForceRealm extends EnforcementRealm {
        @Override
        public RealmBuilder configure(RealmBuilder realm) {
            return super.configure(realm)
                    .users(rita())
                    .bruteForceProtected(true)
                    .update(r -> {
                        r.setFailureFactor(3);
                        r.setPermanentLockout(false);
                        r.setWaitIncrementSeconds(60);
                        r.setMaxFailureWaitSeconds(900);
                        // Keycloak locks after two failures less than this apart; a test clicks faster than a person
                        r.setQuickLoginCheckMilliSeconds(1L);
                        r.setMaxDeltaTimeSeconds(43_200);
                    });
        }

        static UserRepresentation rita() {
            UserRepresentation rita = Realms.user(null, "rita");
            CredentialRepresentation codes = new CredentialRepresentation();
            codes.setType("recovery-authn-codes");
            codes.setUserLabel("printed");
            codes.setSecretData("{\"codes\":[{\"number\":1,\"encodedHashedValue\":\"" + sha512(RITA_RECOVERY_CODE) + "\"}]}");
            codes.setCredentialData("{\"hashIterations\":null,\"algorithm\":\"SHA-512\",\"remaining\":1,\"total\":1}");
            rita.setCredentials(List.of(rita.getCredentials().get(0), codes));
            return rita;
        }

        static String sha512(String code) {
            try {
                return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(code.getBytes(StandardCharsets.UTF_8)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @InjectRealm(config = BruteForceRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @Override
    ManagedRealm realm() {
        return realm;
    }

    @InjectMailServer
    MailServer mail;

    @BeforeEach
    void setUp() {
        fx.setup();
        // the realm's own conditional OTP would ask first (and count by itself): switch it off in the copies
        for (String flow : List.of("breach response - browser", "breach response - direct grant")) {
            int disabled = 0;
            for (var e : realm.admin().flows().getExecutions(flow)) {
                if (Boolean.TRUE.equals(e.getAuthenticationFlow()) && e.getDisplayName().matches("(?i).*(otp|2fa).*")) {
                    e.setRequirement("DISABLED");
                    realm.admin().flows().updateExecutions(flow, e);
                    disabled++;
                }
            }
            assertTrue(disabled > 0, "no conditional OTP sub-flow in " + flow);
        }
        fx.incident("keep", "Vendor leak", "[\"email\"]", "{\"revokeSessions\":false,\"allowedFactors\":[\"otp\",\"recovery-codes\"]}");
    }

    // --- helpers -------------------------------------------------------------------------------------------

    void flag(String username) {
        fx.flag("keep", username);
    }

    String flagState(String username) {
        return fx.flagOf("keep", username).get("state").asText();
    }

    Map<String, Object> bruteForce(String username) {
        return realm.admin().attackDetection().bruteForceUserStatus(fx.userId(username));
    }

    /** Keycloak counts asynchronously: wait for {@code n} failures, then check that no further one arrives. */
    void assertFailures(String username, int n) throws InterruptedException {
        long until = System.currentTimeMillis() + 15_000;
        while (((Number) bruteForce(username).get("numFailures")).intValue() < n && System.currentTimeMillis() < until) {
            Thread.sleep(200);
        }
        Thread.sleep(500);
        Map<String, Object> status = bruteForce(username);
        assertEquals(n, ((Number) status.get("numFailures")).intValue(), "one wrong code is one failure: " + status);
    }

    void assertLocked(String username) throws InterruptedException {
        assertFailures(username, 3);
        assertEquals(Boolean.TRUE, bruteForce(username).get("disabled"), bruteForce(username).toString());
    }

    /** Keycloak's event for a refused locked-out user was recorded for {@code username}. */
    void assertRefusedAsLocked(String username) {
        String id = fx.userId(username);
        var errors = realm.admin().getEvents(null, null, id, null, null, null, 0, 200).stream()
                .map(e -> e.getError()).filter(java.util.Objects::nonNull).toList();
        assertTrue(errors.contains(Errors.USER_TEMPORARILY_DISABLED), "events of " + username + ": " + errors);
    }

    /** A code that is certainly not accepted now (Keycloak accepts one 30-second step either side). */
    static String wrongCode() {
        Set<String> valid = Set.of(Totp.code(CAROL_KEY, -1), Totp.code(CAROL_KEY, 0), Totp.code(CAROL_KEY, 1));
        for (int i = 10; ; i++) {
            String c = Totp.code(CAROL_KEY, i);
            if (!valid.contains(c)) {
                return c;
            }
        }
    }

    /** Three wrong codes at the step-up's OTP form, each answered with the form and its error. */
    void threeWrongCodes() {
        for (int i = 0; i < 3; i++) {
            pages.submitOtp(wrongCode());
            assertTrue(pages.onPage("otp"), "a wrong code does not pass: " + pages.pageText());
            assertTrue(pages.pageText().contains("Invalid authenticator code"), pages.pageText());
        }
    }

    void assertNoCode() {
        assertFalse(driver.getCurrentUrl().contains("code="), "no authorization code for a locked-out user: " + pages.pageText());
    }

    // --- tests ---------------------------------------------------------------------------------------------

    @Test
    void wrongCodesAfterAnSsoCookieCountAndLockTheUserOut() throws Exception {
        oauth.openLoginForm();
        pages.submitPassword("carol");
        String code = oauth.parseLoginResponse().getCode();
        assertTrue(code != null, "carol signs in with her password (realm OTP switched off): " + pages.pageText());
        flag("carol");

        oauth.openLoginForm();
        assertFalse(pages.onPage("password"), "the SSO cookie identifies carol: " + pages.pageText());
        threeWrongCodes();
        assertLocked("carol");

        pages.submitOtp(Totp.code(CAROL_KEY, 0));
        assertTrue(pages.onPage("otp"), "the right code is refused while locked out: " + pages.pageText());
        assertNoCode();
        assertRefusedAsLocked("carol");
        assertEquals(3, ((Number) bruteForce("carol").get("numFailures")).intValue(), "a refusal is not a new failure");
        assertEquals("FLAGGED", flagState("carol"));
    }

    @Test
    void wrongCodesAtAFreshLoginCountAndTheRightCodeClearsThem() throws Exception {
        flag("carol");
        oauth.openLoginForm();
        pages.submitPassword("carol");
        pages.submitOtp(wrongCode());
        assertFailures("carol", 1);
        pages.submitOtp(wrongCode());
        assertFailures("carol", 2);
        // below the threshold the right code passes, and Keycloak's success clears the count (category otp)
        pages.submitOtp(Totp.code(CAROL_KEY, 0));
        assertTrue(pages.onPage("breach-notice"), pages.pageText());
        driver.findElement(By.id("kc-breach-continue")).click();
        assertTrue(oauth.parseLoginResponse().getCode() != null, pages.pageText());
        assertFailures("carol", 0);
    }

    @Test
    void aLockedOutUserIsRefusedAtAFreshLoginEvenWithTheRightCode() throws Exception {
        flag("carol");
        oauth.openLoginForm();
        pages.submitPassword("carol");
        threeWrongCodes();
        assertLocked("carol");
        pages.submitOtp(Totp.code(CAROL_KEY, 0));
        assertNoCode();
        assertRefusedAsLocked("carol");
        assertEquals("FLAGGED", flagState("carol"));
    }

    @Test
    void directGrantCountsWrongCodesAndRefusesALockedUserWithTheRightCode() throws Exception {
        flag("carol");
        for (int i = 1; i <= 3; i++) {
            AccessTokenResponse wrong = oauth.passwordGrantRequest("carol", Realms.PASSWORD).otp(wrongCode()).send();
            assertEquals(400, wrong.getStatusCode());
            assertEquals("invalid_grant", wrong.getError());
            assertFailures("carol", i);
        }
        assertLocked("carol");
        AccessTokenResponse right = oauth.passwordGrantRequest("carol", Realms.PASSWORD).otp(Totp.code(CAROL_KEY, 0)).send();
        assertEquals(400, right.getStatusCode(), "locked out: the right code is refused");
        assertEquals("invalid_grant", right.getError());
        assertNull(right.getAccessToken());
        assertRefusedAsLocked("carol");
        assertEquals("FLAGGED", flagState("carol"));
    }

    @Test
    void resetCredentialsStepUpCountsWrongCodes() throws Exception {
        var rep = realm.admin().toRepresentation();
        rep.setResetPasswordAllowed(true);
        realm.admin().update(rep);
        flag("carol");
        oauth.openLoginForm();
        driver.findElement(By.partialLinkText("Forgot")).click();
        driver.findElement(By.id("username")).sendKeys("carol");
        driver.findElement(By.cssSelector("#kc-reset-password-form button[type=submit]")).click();
        assertTrue(mail.waitForIncomingEmail(10_000, 1), "reset email");
        driver.open(Mails.firstLink(mail.getLastReceivedMessage()));
        threeWrongCodes();
        assertLocked("carol");
        pages.submitOtp(Totp.code(CAROL_KEY, 0));
        assertFalse(pages.onPage("password-new"), "no new password for a locked-out user: " + pages.pageText());
        assertRefusedAsLocked("carol");
        assertEquals("FLAGGED", flagState("carol"));
    }

    @Test
    void wrongRecoveryCodesCountAndALockedUserIsRefused() throws Exception {
        flag("rita");
        oauth.openLoginForm();
        pages.submitPassword("rita");
        for (int i = 1; i <= 3; i++) {
            assertTrue(pages.onPage("recoveryCodeInput"), "expected the recovery-code form, got: " + pages.pageText());
            driver.findElement(By.id("recoveryCodeInput")).sendKeys("WRONGCODE" + i);
            driver.findElement(By.cssSelector("#kc-recovery-code-login-form [type=submit]")).click();
            assertFailures("rita", i);
        }
        assertLocked("rita");
        assertTrue(pages.onPage("recoveryCodeInput"), pages.pageText());
        driver.findElement(By.id("recoveryCodeInput")).sendKeys(RITA_RECOVERY_CODE);
        driver.findElement(By.cssSelector("#kc-recovery-code-login-form [type=submit]")).click();
        assertNoCode();
        assertFalse(pages.onPage("breach-notice"), pages.pageText());
        assertRefusedAsLocked("rita");
        assertEquals("FLAGGED", flagState("rita"));
    }
}
