package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RequiredActionProviderRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testsuite.util.oauth.AccessTokenResponse;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The factor choice page (issue 14 part 3) on real pages: HtmlUnit for the authenticator-app path, a forged
 * choice and the German page; headless Chromium with a virtual WebAuthn authenticator (CTAP2, internal,
 * resident keys, user verification) for the passkey path and the screenshots in docs/screenshots; and, in
 * Chromium, the notice a user who has a factor sees in the step-up's own response.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class FactorChoiceIT extends LoginTestBase {

    static final String PASSKEY_AND_APP = "{\"allowedFactors\":[\"webauthn-passwordless\",\"otp\"]}";

    @InjectRealm(config = EnforcementRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @Override
    ManagedRealm realm() {
        return realm;
    }

    @BeforeEach
    void setUp() {
        fx.setup();
    }

    // --- helpers -------------------------------------------------------------------------------------------

    void incident(String id, String policy) {
        fx.incident(id, "Vendor leak " + id, "[\"email\",\"location\"]", policy);
    }

    /** The login pages as seen by this driver (HtmlUnit or Chromium). */
    static LoginPages on(WebDriver d) {
        return new LoginPages(d);
    }

    AccessTokenResponse tokens(String code) {
        assertNotNull(code, "no authorization code; page: " + pages.pageText());
        AccessTokenResponse t = oauth.doAccessTokenRequest(code);
        assertEquals(200, t.getStatusCode(), t.getError() + " " + t.getErrorDescription());
        return t;
    }

    void enableRecoveryCodesAction() {
        RequiredActionProviderRepresentation ra = realm.admin().flows().getRequiredAction("CONFIGURE_RECOVERY_AUTHN_CODES");
        ra.setEnabled(true);
        realm.admin().flows().updateRequiredAction("CONFIGURE_RECOVERY_AUTHN_CODES", ra);
    }

    // --- HtmlUnit ------------------------------------------------------------------------------------------

    @Test
    void choosesTheAuthenticatorAppAfterAForgedChoiceIsRefused() {
        incident("leak", PASSKEY_AND_APP);
        fx.flag("leak", "bob");
        oauth.openLoginForm();
        pages.submitPassword("bob");
        pages.continueNotice();

        WebDriver d = driver.driver();
        assertTrue(on(d).onPage("kc-breach-choice-form"), "expected the choice page, got: " + on(d).pageText());
        assertTrue(on(d).onPage("breach-factor-webauthn-passwordless"), "the passkey is offered");
        assertTrue(on(d).onPage("breach-factor-otp"), "the authenticator app is offered");
        assertFalse(on(d).onPage("breach-factor-webauthn"), "a security key is not allowed by the policy");
        assertFalse(on(d).onPage("breach-recovery-codes"), "recovery codes are not allowed by the policy");
        String text = on(d).pageText();
        assertTrue(text.contains("Choose your second factor") && text.contains("Passkey") && text.contains("Authenticator app"), text);
        // the script recommends the passkey only where the browser has WebAuthn
        Object webauthn = ((JavascriptExecutor) d).executeScript("return typeof window.PublicKeyCredential !== 'undefined';");
        String recommended = Boolean.TRUE.equals(webauthn) ? "webauthn-passwordless" : "otp";
        assertEquals(recommended, d.findElement(By.id("kc-breach-choice-form")).getAttribute("data-breach-recommended"), text);
        assertTrue(d.findElement(By.id("breach-recommended-" + recommended)).isDisplayed(), "the recommended badge");
        String other = recommended.equals("otp") ? "webauthn-passwordless" : "otp";
        assertFalse(d.findElement(By.id("breach-recommended-" + other)).isDisplayed(), "one recommendation only");

        // a forged choice (security key: allowed nowhere here) is refused, nothing is queued
        ((JavascriptExecutor) d).executeScript(
                "var o = document.getElementById('breach-factor-otp'); o.value = 'webauthn'; o.checked = true;");
        d.findElement(By.id("kc-breach-choose")).click();
        assertTrue(on(d).onPage("kc-breach-choice-form"), "the choice page again: " + on(d).pageText());
        assertTrue(on(d).pageText().contains("Please choose one of the options shown."), on(d).pageText());
        assertFalse(on(d).onPage("kc-totp-secret-key"));

        d.findElement(By.id("breach-factor-otp")).click();
        d.findElement(By.id("kc-breach-choose")).click();
        pages.enrolTotp();
        tokens(oauth.parseLoginResponse().getCode());

        JsonNode f = fx.flagOf("leak", "bob");
        assertEquals("REMEDIATED", f.get("state").asText(), f.toString());
        assertEquals("otp", f.get("stepUpFactor").asText(), f.toString());
        assertTrue(realm.admin().users().get(fx.userId("bob")).toRepresentation().getRequiredActions().isEmpty(),
                "nothing was put on the user");
    }

    @Test
    void germanChoicePageOffersRecoveryCodesWhenThePolicyAllowsThem() {
        EnforcementRealm.englishAndGermanWithDaveInGerman(realm, null);
        enableRecoveryCodesAction();
        incident("leak", "{\"allowedFactors\":[\"webauthn-passwordless\",\"webauthn\",\"otp\",\"recovery-codes\"]}");
        fx.flag("leak", "dave");
        oauth.openLoginForm();
        pages.submitPassword("dave");
        pages.continueNotice();

        WebDriver d = driver.driver();
        String text = on(d).pageText();
        assertTrue(on(d).onPage("kc-breach-choice-form"), text);
        assertTrue(text.contains("Wählen Sie Ihren zweiten Faktor"), text);
        assertTrue(text.contains("Passkey") && text.contains("Sicherheitsschlüssel") && text.contains("Authenticator-App"), text);
        assertTrue(text.contains("Wiederherstellungscodes"), text);
        // passkeys first
        List<String> order = d.findElements(By.name("factor")).stream().map(e -> e.getAttribute("value")).toList();
        assertEquals(List.of("webauthn-passwordless", "webauthn", "otp"), order);

        d.findElement(By.id("breach-factor-otp")).click();
        d.findElement(By.id("breach-recovery-codes")).click();
        d.findElement(By.id("kc-breach-choose")).click();
        pages.enrolTotp();
        // the opted-in recovery codes: Keycloak's own page, after the enrolment and before the verification
        assertTrue(on(d).onPage("kc-recovery-codes-list"), "Keycloak's recovery-codes page: " + on(d).pageText());
        assertFalse("REMEDIATED".equals(fx.flagOf("leak", "dave").get("state").asText()), "not verified before the codes are saved");
        d.findElement(By.id("kcRecoveryCodesConfirmationCheck")).click();
        d.findElement(By.id("saveRecoveryAuthnCodesBtn")).click();
        tokens(oauth.parseLoginResponse().getCode());
        JsonNode f = fx.flagOf("leak", "dave");
        assertEquals("REMEDIATED", f.get("state").asText(), f.toString());
        assertEquals("otp", f.get("stepUpFactor").asText(), f.toString());
        assertTrue(realm.admin().users().get(fx.userId("dave")).credentials().stream()
                .anyMatch(c -> "recovery-authn-codes".equals(c.getType())), "recovery codes stored");
    }

    // --- Chromium ------------------------------------------------------------------------------------------

    static ChromeDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/lib/chromium/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1000,1200", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    static VirtualAuthenticator platformAuthenticator(ChromeDriver chrome) {
        VirtualAuthenticatorOptions o = new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true)
                .setIsUserConsenting(true);
        return ((HasVirtualAuthenticator) chrome).addVirtualAuthenticator(o);
    }

    static String codeOf(String url) {
        for (String p : java.net.URI.create(url).getRawQuery().split("&")) {
            if (p.startsWith("code=")) {
                return java.net.URLDecoder.decode(p.substring(5), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @Test
    void aUserWithAFactorSeesTheNoticeInTheStepUpsOwnResponseInChromium() throws Exception {
        incident("leak", "{}");
        fx.flag("leak", "carol");
        ChromeDriver chrome = chromium();
        try {
            chrome.get(oauth.loginForm().build());
            on(chrome).submitPassword("carol");
            on(chrome).submitOtp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 0));
            assertTrue(on(chrome).onPage("breach-notice"), "the notice after the code: " + on(chrome).pageText());
            // shown in the answer to the code, not after a redirect to a required action
            assertTrue(chrome.getCurrentUrl().contains("/login-actions/authenticate"), chrome.getCurrentUrl());
            String text = on(chrome).pageText();
            assertTrue(text.contains("Vendor leak leak"), "names the incident: " + text);
            assertEquals("REMEDIATED", fx.flagOf("leak", "carol").get("state").asText(), "the code remediated the flag");
            screenshot(chrome, "notice-step-up-en");
            chrome.navigate().refresh();
            assertTrue(on(chrome).onPage("breach-notice"), "a reload shows the notice again: " + on(chrome).pageText());
            on(chrome).continueNotice();
            String code = codeOf(chrome.getCurrentUrl());
            assertNotNull(code, "Continue ends the login: " + chrome.getCurrentUrl());
            AccessTokenResponse t = oauth.doAccessTokenRequest(code);
            assertEquals(200, t.getStatusCode(), t.getError() + " " + t.getErrorDescription());
        } finally {
            chrome.quit();
        }
    }

    /**
     * The realm tells the notice as a message ({@code stepUpNotice} "message") with {@code noticeTextJson} (a JSON
     * string), carol is flagged in "leak", and Chromium stands at the OTP form after her password.
     */
    ChromeDriver carolAtTheOtpFormWithTheNoticeAsAMessage(String noticeTextJson) throws Exception {
        BreachApi.Reply r = fx.api.putJson("/config", "{\"stepUpNotice\":\"message\",\"noticeText\":{\"en\":" + noticeTextJson + "}}");
        assertEquals(200, r.status(), r.body());
        incident("leak", "{}");
        fx.flag("leak", "carol");
        ChromeDriver chrome = chromium();
        try {
            chrome.get(oauth.loginForm().build());
            on(chrome).submitPassword("carol");
            assertTrue(on(chrome).onPage("otp"), "Keycloak's own OTP form: " + on(chrome).pageText());
            return chrome;
        } catch (RuntimeException | AssertionError e) {
            chrome.quit();
            throw e;
        }
    }

    @Test
    void withStepUpNoticeMessageTheOtpFormCarriesTheWarningAndTheCodeEndsTheLoginInChromium() throws Exception {
        ChromeDriver chrome = carolAtTheOtpFormWithTheNoticeAsAMessage("\"Questions? <b>Call</b> 1234.\"");
        try {
            String text = on(chrome).pageText();
            assertTrue(text.contains("Your account was exposed in a third-party data leak. For your protection, confirm it is you"), "the notice: " + text);
            assertTrue(text.contains("We never ask for your password, one-time codes or recovery codes"), "and the first phishing rule: " + text);
            assertTrue(text.contains("Questions? \u2039b\u203aCall\u2039/b\u203a 1234."), "the realm's notice text, without markup: " + text);
            // shown before the factor, to whoever holds the password: no incident named
            assertFalse(text.contains("Vendor leak"), text);
            screenshot(chrome, "step-up-message-en");
            // a wrong code: Keycloak's own error takes the message area, and the flag stays as it was
            on(chrome).submitOtp("000000".equals(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 0)) ? "111111" : "000000");
            assertTrue(on(chrome).onPage("otp"), on(chrome).pageText());
            assertTrue(on(chrome).pageText().contains("Invalid authenticator code"), on(chrome).pageText());
            assertEquals("FLAGGED", fx.flagOf("leak", "carol").get("state").asText());
            on(chrome).submitOtp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 0));
            assertFalse(on(chrome).onPage("breach-notice"), "no notice page: " + on(chrome).pageText());
            String code = codeOf(chrome.getCurrentUrl());
            assertNotNull(code, "the code ends the login: " + chrome.getCurrentUrl());
            assertEquals("REMEDIATED", fx.flagOf("leak", "carol").get("state").asText(), "the code remediated the flag");
            AccessTokenResponse t = oauth.doAccessTokenRequest(code);
            assertEquals(200, t.getStatusCode(), t.getError() + " " + t.getErrorDescription());

            // flagged again while signed in (a policy that keeps sessions): the SSO cookie skips the realm's own forms, so the
            // step-up's own OTP page carries it
            incident("second", "{\"revokeSessions\":false}");
            fx.flag("second", "carol");
            chrome.get(oauth.loginForm().build());
            assertTrue(on(chrome).onPage("otp"), "the step-up's OTP form: " + on(chrome).pageText());
            text = on(chrome).pageText();
            assertTrue(text.contains("Your account was exposed in a third-party data leak."), "the step-up's page carries the notice: " + text);
            on(chrome).submitOtp(Totp.code(Totp.keyOfImported(EnforcementRealm.CAROL_OTP_SECRET), 1));
            assertFalse(on(chrome).onPage("breach-notice"), "no notice page: " + on(chrome).pageText());
            assertNotNull(codeOf(chrome.getCurrentUrl()), "the code ends the login: " + chrome.getCurrentUrl());
            assertEquals("REMEDIATED", fx.flagOf("second", "carol").get("state").asText());
        } finally {
            chrome.quit();
        }
    }

    @Test
    void theNoticeTextReachesTheBaseThemesSanitizerWithoutMarkupInChromium() throws Exception {
        // the legacy keycloak theme renders a message through kcSanitize, which decodes entities and keeps links
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.setLoginTheme("keycloak");
        realm.admin().update(rep);
        ChromeDriver chrome = carolAtTheOtpFormWithTheNoticeAsAMessage(
                "\"Help: <a id='raw' href='https://evil.example/'>raw</a> &lt;a id='entity' href='https://evil.example/'&gt;entity&lt;/a&gt;\"");
        try {
            String text = on(chrome).pageText();
            assertTrue(text.contains("Your account was exposed in a third-party data leak."), "the notice in the keycloak theme: " + text);
            assertTrue(chrome.findElements(By.cssSelector("a[href*='evil.example']")).isEmpty(), "no link from the notice text: " + chrome.getPageSource());
            assertTrue(text.contains("Help: \u2039a id='raw'"), "the text shown as text: " + text);
            assertTrue(text.contains("\uff06lt;a id='entity'"), "an entity stays text: " + text);
            screenshot(chrome, "step-up-message-keycloak-theme-en");
        } finally {
            chrome.quit();
        }
    }

    @Test
    void passkeyEnrolsInChromiumWithAVirtualAuthenticator() throws Exception {
        incident("leak", PASSKEY_AND_APP);
        fx.flag("leak", "bob");
        ChromeDriver chrome = chromium();
        try {
            VirtualAuthenticator authenticator = platformAuthenticator(chrome);
            chrome.get(oauth.loginForm().build());
            on(chrome).submitPassword("bob");
            on(chrome).continueNotice();
            assertTrue(on(chrome).onPage("kc-breach-choice-form"), on(chrome).pageText());
            assertEquals("webauthn-passwordless", chrome.findElement(By.id("kc-breach-choice-form")).getAttribute("data-breach-recommended"),
                    "Chromium has WebAuthn: the passkey is recommended");
            assertTrue(chrome.findElement(By.id("breach-recommended-webauthn-passwordless")).isDisplayed());
            assertTrue(chrome.findElement(By.id("breach-factor-webauthn-passwordless")).isSelected(), "and preselected");
            assertFalse(chrome.findElement(By.id("breach-recommended-otp")).isDisplayed(), "one recommendation only");
            screenshot(chrome, "choice-en");
            chrome.findElement(By.id("kc-breach-choose")).click();

            WebDriverWait wait = new WebDriverWait(chrome, Duration.ofSeconds(30));
            wait.until(ExpectedConditions.elementToBeClickable(By.id("registerWebAuthn"))).click();
            // Keycloak asks for a label with window.prompt; take its default
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            wait.until(w -> w.getCurrentUrl().contains("code="));
            assertEquals(1, authenticator.getCredentials().size(), "one passkey on the authenticator");
            assertTrue(authenticator.getCredentials().get(0).isResidentCredential(), "a discoverable credential (passkey)");
            tokens(codeOf(chrome.getCurrentUrl()));
        } finally {
            chrome.quit();
        }
        JsonNode f = fx.flagOf("leak", "bob");
        assertEquals("REMEDIATED", f.get("state").asText(), f.toString());
        assertEquals("webauthn-passwordless", f.get("stepUpFactor").asText(), f.toString());
        assertTrue(realm.admin().users().get(fx.userId("bob")).credentials().stream()
                .anyMatch(c -> "webauthn-passwordless".equals(c.getType())), "the passkey is stored");
    }

    @Test
    void germanChoicePageInChromium() throws Exception {
        EnforcementRealm.englishAndGermanWithDaveInGerman(realm, null);
        enableRecoveryCodesAction();
        incident("leak", "{\"allowedFactors\":[\"webauthn-passwordless\",\"webauthn\",\"otp\",\"recovery-codes\"]}");
        fx.flag("leak", "dave");
        ChromeDriver chrome = chromium();
        try {
            platformAuthenticator(chrome);
            chrome.get(oauth.loginForm().build());
            on(chrome).submitPassword("dave");
            on(chrome).continueNotice();
            assertTrue(on(chrome).pageText().contains("Wählen Sie Ihren zweiten Faktor"), on(chrome).pageText());
            assertTrue(chrome.findElement(By.id("breach-recommended-webauthn-passwordless")).getText().contains("Empfohlen"));
            assertFalse(chrome.findElement(By.id("breach-recommended-webauthn")).isDisplayed(), "one recommendation only");
            assertFalse(chrome.findElement(By.id("breach-recommended-otp")).isDisplayed(), "one recommendation only");
            screenshot(chrome, "choice-de");
        } finally {
            chrome.quit();
        }
    }

    /** Keeps a screenshot under {@code target/screenshots/<name>.png} (copied to docs/screenshots by hand). */
    static void screenshot(ChromeDriver chrome, String name) throws java.io.IOException {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".png"), chrome.getScreenshotAs(OutputType.BYTES));
    }
}
