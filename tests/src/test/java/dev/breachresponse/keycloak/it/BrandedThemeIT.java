package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.injection.LifeCycle;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.realm.RealmBuilder;
import org.openqa.selenium.By;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A realm with its own company themes (the test-only "acme-brand" login and email themes of this module, children
 * of Keycloak's themes that know nothing of Breach Response) gets our pages and emails through the jar's
 * theme-resources: reminders without any setup call, the breach notice after setup, and setup leaves the themes alone.
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
class BrandedThemeIT extends LoginTestBase {

    static final String BRAND = "acme-brand";

    /** {@link EnforcementRealm} with the company's login and email themes. */
    public static class BrandedRealm extends EnforcementRealm {
        @Override
        public RealmBuilder configure(RealmBuilder realm) {
            return super.configure(realm).update(r -> {
                r.setLoginTheme(BRAND);
                r.setEmailTheme(BRAND);
            });
        }
    }

    @InjectRealm(config = BrandedRealm.class, lifecycle = LifeCycle.METHOD)
    ManagedRealm realm;

    @Override
    ManagedRealm realm() {
        return realm;
    }

    @InjectMailServer
    MailServer mail;

    @BeforeEach
    void setUp() {
        EnforcementRealm.englishAndGermanWithDaveInGerman(realm, null);
        fx.incident("leak", "Vendor leak", "[\"email\",\"location\"]", null);
    }

    void flag(String username) {
        fx.flag("leak", username);
    }

    void assertThemesAreTheCompanys() {
        RealmRepresentation rep = realm.admin().toRepresentation();
        assertEquals(BRAND, rep.getLoginTheme(), "login theme");
        assertEquals(BRAND, rep.getEmailTheme(), "email theme");
    }

    @Test
    void remindersWithoutSetupAreLocalizedAndWrappedInTheCompanysEmailTheme() throws Exception {
        flag("bob");
        flag("dave"); // reads German
        int before = mail.getReceivedMessages().length;
        BreachApi.Reply run = api.post("/reminders/run", null, "");
        assertEquals(200, run.status(), run.toString());
        assertEquals(2, run.json().get("sent").asInt(), "no setup, company email theme: both reminders sent " + run);
        assertEquals(0, run.json().get("failed").asInt(), run.toString());

        MimeMessage[] all = mail.getReceivedMessages();
        List<MimeMessage> sent = new ArrayList<>(List.of(all).subList(before, all.length));
        assertEquals(2, sent.size());
        for (MimeMessage m : sent) {
            String text = Mails.text(m);
            String html = Mails.html(m);
            assertNotNull(html, "html part");
            assertTrue(html.contains("id=\"acme-brand\"") && html.contains("ACME Corp"), "the company's html wrapper: " + html);
            if (m.getAllRecipients()[0].toString().startsWith("dave")) {
                Mails.keep(m, "reminder-branded-de");
                assertEquals("Handlungsbedarf bei Ihrem Konto nach einem Datenleck (Vendor leak)", m.getSubject());
                assertTrue(text.contains("Diese E-Mail enthält absichtlich keinen Link"), text);
                assertTrue(html.contains("einen zweiten Faktor einrichten"), html);
                assertTrue(html.contains("Hauptstraße 1"), "the company's German footer message: " + html);
            } else {
                Mails.keep(m, "reminder-branded-en");
                assertEquals("Action needed on your account after a data leak (Vendor leak)", m.getSubject());
                assertTrue(text.contains("This email contains no link on purpose"), text);
                assertTrue(html.contains("set up a second factor"), html);
                assertTrue(html.contains("Main Street 1"), "the company's English footer message: " + html);
            }
            assertFalse(text.contains("breachReminder") || html.contains("breachReminder"), "no unresolved message key");
        }
        assertThemesAreTheCompanys();
    }

    @Test
    void afterSetupTheNoticeRendersInTheCompanysLoginThemeAndSetupLeavesThemesAlone() throws Exception {
        JsonNode setup = fx.setup();
        for (JsonNode change : setup.path("changes")) {
            assertFalse(change.asText().toLowerCase().contains("theme"), "setup changed a theme: " + setup);
        }
        for (JsonNode warning : setup.path("warnings")) {
            assertFalse(warning.asText().toLowerCase().contains("theme"), "setup warned about the theme: " + setup);
        }
        assertThemesAreTheCompanys();
        flag("bob");

        oauth.openLoginForm();
        assertTrue(driver.page().getPageSource().contains("ACME Corp"), "the company's login page");
        pages.submitPassword("bob");

        String source = driver.page().getPageSource();
        keep(source, "notice-branded-en");
        assertTrue(pages.onPage("breach-notice"), "the breach notice, got: " + source);
        assertTrue(driver.findElement(By.id("kc-header-wrapper")).getText().contains("ACME Corp"), "brand in the header");
        assertTrue(source.contains("/login/" + BRAND + "/css/acme.css"), "the company's stylesheet is loaded");
        String body = driver.findElement(By.tagName("body")).getText();
        assertTrue(body.contains("Your account was exposed in a third-party data leak"), body);
        assertTrue(body.contains("Vendor leak"), body);
        assertFalse(body.contains("breachNotice"), "no unresolved message key: " + body);

        driver.findElement(By.id("kc-breach-continue")).click();
        assertFalse(pages.onPage("breach-notice"), "continued past the notice");
        assertThemesAreTheCompanys();
    }

    @Test
    void theNoticeRendersInKeycloaksOlderLoginThemeWithoutItsButtonsMacros() {
        fx.setup();
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.setLoginTheme("keycloak"); // the v1 look: no buttons.ftl, other kc* properties
        realm.admin().update(rep);
        flag("bob");

        oauth.openLoginForm();
        pages.submitPassword("bob");

        String source = driver.page().getPageSource();
        assertTrue(pages.onPage("breach-notice"), "the breach notice, got: " + source);
        assertTrue(source.contains("/login/keycloak/"), "rendered in the keycloak login theme: " + source);
        driver.findElement(By.id("kc-breach-continue")).click();
        assertFalse(pages.onPage("breach-notice"), "continued past the notice");
    }

    /** Keeps a page under {@code target/pages/<name>.html}, to look at (docs/screenshots); not an assertion. */
    static void keep(String html, String name) throws java.io.IOException {
        Path dir = Path.of("target", "pages");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".html"), html);
    }
}
