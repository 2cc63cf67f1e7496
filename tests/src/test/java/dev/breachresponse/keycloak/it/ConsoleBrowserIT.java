package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.server.KeycloakUrls;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;

/**
 * The incident console (issue 13) in headless Chromium against the real server: sign-in through Keycloak's login
 * page, an incident created in the form, a CSV of 1,000 users loaded (988 known, 10 unknown, 2 sharing an email)
 * with its preview, progress and funnel, a user stepping up in another browser, a dismissal with a reason, the
 * export, a view-users admin without write controls, a user without rights, and untrusted text (an incident title and
 * a username holding HTML) rendered as text. Every page is checked with axe-core (no serious or critical
 * violation) and for console errors the CSP caused, and saved as docs/screenshots/console-*.png (written to
 * target/screenshots, copied by hand).
 */
@KeycloakIntegrationTest(config = BreachServerConfig.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    static final String XSS_TITLE = "<img src=x onerror=alert(1)>";
    static final String XSS_USER = "<img src=x onerror=alert(2)>";
    static final int KNOWN = 988;
    static final Duration WAIT = Duration.ofSeconds(90);

    /** One realm for the ordered scenario: each step builds on the one before. */
    static String realm;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    BreachApi api;

    @BeforeEach
    void realmOnce() {
        if (realm == null) {
            realm = Realms.newName("console");
            createRealm();
        }
        api = new BreachApi(urls.getBase(), realm, () -> admin.tokenManager().getAccessTokenString());
        if (realm != null && api.get("/setup").json().at("/console/client").asBoolean(false) == false) {
            assertEquals(200, api.post("/setup", null, "").status(), "setup registers the console's client");
        }
    }

    /**
     * 988 users reachable by email (user0001 holds HTML in its username), two users sharing twin@example.test, a
     * user who will step up (a password), and three admins: realm-admin, view-users only, no rights.
     */
    void createRealm() {
        List<UserRepresentation> users = new ArrayList<>();
        for (int i = 1; i <= KNOWN; i++) {
            UserRepresentation u = new UserRepresentation();
            u.setId(UUID.randomUUID().toString());
            u.setUsername(i == 1 ? XSS_USER : String.format("user%04d", i));
            u.setEmail(String.format("user%04d@example.test", i));
            u.setEnabled(true);
            users.add(u);
        }
        users.set(1, Realms.user(UUID.randomUUID().toString(), "stepper"));
        users.get(1).setEmail("user0002@example.test");
        for (String twin : List.of("twin-a", "twin-b")) {
            UserRepresentation u = new UserRepresentation();
            u.setUsername(twin);
            u.setEmail("twin@example.test");
            u.setEnabled(true);
            users.add(u);
        }
        for (String a : List.of("manager", "viewer", "nobody")) {
            users.add(Realms.user(UUID.randomUUID().toString(), a));
        }
        RealmRepresentation r = new RealmRepresentation();
        r.setRealm(realm);
        r.setEnabled(true);
        r.setDuplicateEmailsAllowed(true);
        r.setUsers(users);
        admin.realms().create(r);
        Realms.grant(admin, realm, userId("manager"), "realm-admin");
        Realms.grant(admin, realm, userId("viewer"), "view-users");
    }

    String userId(String username) {
        return admin.realm(realm).users().searchByUsername(username, true).get(0).getId();
    }

    String consoleUrl() {
        return urls.getBase() + "/realms/" + realm + "/breach-response/console/";
    }

    // --- browser -------------------------------------------------------------------------------------------

    static ChromeDriver chromium(Path downloads) {
        return chromium(downloads, "en-US");
    }

    /** Headless Chromium whose languages (navigator.languages, Accept-Language) are {@code lang}. */
    static ChromeDriver chromium(Path downloads, String lang) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/lib/chromium/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--lang=" + lang);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("intl.accept_languages", lang);
        if (downloads != null) {
            prefs.put("download.default_directory", downloads.toAbsolutePath().toString());
            prefs.put("download.prompt_for_download", false);
        }
        options.setExperimentalOption("prefs", prefs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Opens the console, signs in on Keycloak's login page and waits for the console's main area. */
    ChromeDriver signIn(String username, Path downloads) {
        return signIn(consoleUrl(), chromium(downloads), username);
    }

    /** Opens {@code console} in {@code chrome}, signs in as {@code username} and waits for the console's main area. */
    static ChromeDriver signIn(String console, ChromeDriver chrome, String username) {
        chrome.get(console);
        wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("kc-login")));
        new LoginPages(chrome).submitPassword(username);
        wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-main")));
        assertFalse(chrome.getCurrentUrl().contains("code="), "the authorization code is gone from the URL: " + chrome.getCurrentUrl());
        assertFalse(chrome.getCurrentUrl().contains("state="), chrome.getCurrentUrl());
        return chrome;
    }

    static WebDriverWait wait(ChromeDriver chrome) {
        return (WebDriverWait) new WebDriverWait(chrome, WAIT).withMessage(() -> diagnosis(chrome))
                .ignoring(StaleElementReferenceException.class);
    }

    /** For a failed wait: where the browser is, what it shows and what it logged. */
    static String diagnosis(ChromeDriver chrome) {
        StringBuilder b = new StringBuilder("\nURL ").append(chrome.getCurrentUrl()).append("\nPAGE:\n");
        try {
            b.append(chrome.findElement(By.tagName("body")).getText());
            for (LogEntry e : chrome.manage().logs().get(LogType.BROWSER)) {
                b.append("\nLOG ").append(e.getLevel()).append(' ').append(e.getMessage());
            }
        } catch (RuntimeException e) {
            b.append("(").append(e).append(")");
        }
        return b.toString();
    }

    static String text(ChromeDriver chrome, String id) {
        return wait(chrome).until(ExpectedConditions.visibilityOfElementLocated(By.id(id))).getText();
    }

    static void waitText(ChromeDriver chrome, String id, String expected) {
        try {
            wait(chrome).until(ExpectedConditions.textToBe(By.id(id), expected));
        } catch (org.openqa.selenium.TimeoutException e) {
            fail("#" + id + " should read '" + expected + "'; page:\n" + chrome.findElement(By.tagName("body")).getText(), e);
        }
    }

    /** Waits until the hash route has rendered its page title. */
    static void waitTitle(ChromeDriver chrome) {
        wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-page-title")));
    }

    static void noAlert(ChromeDriver chrome) {
        try {
            String t = chrome.switchTo().alert().getText();
            fail("an alert opened: " + t);
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    /**
     * The page as a user sees it: no CSP violation or script error in the browser's log, no serious or critical
     * axe-core violation; then a screenshot under target/screenshots/console-{name}.png.
     */
    static void check(ChromeDriver chrome, String name) throws IOException {
        noAlert(chrome);
        List<String> problems = new ArrayList<>();
        for (LogEntry e : chrome.manage().logs().get(LogType.BROWSER)) {
            String m = e.getMessage();
            if (m.contains("Content Security Policy") || m.contains("Refused to") || m.contains("Uncaught")) {
                problems.add(e.getLevel() + " " + m);
            }
        }
        assertEquals(List.of(), problems, name + ": browser console errors");
        Object result = ((JavascriptExecutor) chrome).executeAsyncScript(axe()
                + "\nvar done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(function (r) {"
                + "  done(JSON.stringify(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })"
                + "    .map(function (v) { return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) { return n.target.join(' '); })}; })));"
                + "}).catch(function (e) { done('axe failed: ' + e); });");
        assertEquals("[]", String.valueOf(result), name + ": axe-core serious/critical violations");
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        // the whole page: the window grows to the height of the scrolling main area for the shot
        Object height = ((JavascriptExecutor) chrome).executeScript(
                "var m = document.getElementById('br-main'); if (!m) { return 1000; } m.scrollTop = 0;"
                + " return m.scrollHeight + m.getBoundingClientRect().top;");
        int h = Math.max(1000, Math.min(3000, ((Number) height).intValue() + 20));
        chrome.manage().window().setSize(new Dimension(1400, h));
        Files.write(dir.resolve("console-" + name + ".png"), chrome.getScreenshotAs(OutputType.BYTES));
        chrome.manage().window().setSize(new Dimension(1400, 1000));
    }

    private static String axeSource;

    static String axe() throws IOException {
        if (axeSource == null) {
            ClassLoader cl = ConsoleBrowserIT.class.getClassLoader();
            Properties p = new Properties();
            try (InputStream in = cl.getResourceAsStream("META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
                assertNotNull(in, "axe-core webjar on the test class path");
                p.load(in);
            }
            try (InputStream in = cl.getResourceAsStream("META-INF/resources/webjars/axe-core/" + p.getProperty("version") + "/axe.min.js")) {
                axeSource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return axeSource;
    }

    /** 1,000 CSV lines: 988 known emails, 10 unknown, twin@example.test twice (shared by two users). */
    static Path vendorCsv() throws IOException {
        StringBuilder csv = new StringBuilder("email,first name\n");
        for (int i = 1; i <= KNOWN; i++) {
            csv.append(String.format("user%04d@example.test,Person %d%n", i, i));
            if (i == 500) {
                for (int u = 1; u <= 10; u++) {
                    csv.append("stranger").append(u).append("@elsewhere.test,Nobody\n");
                }
                csv.append("twin@example.test,Twin\n");
            }
        }
        csv.append("twin@example.test,Twin again\n");
        Path f = Files.createTempFile("vendor-list", ".csv");
        Files.writeString(f, csv.toString());
        assertEquals(1001, csv.toString().split("\n").length, "a header and 1,000 entries");
        return f;
    }

    // --- the scenario --------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void realmAdminCreatesAnIncidentLoadsTheListAndSeesTheFunnel() throws Exception {
        Path downloads = Files.createTempDirectory("console-misses");
        ChromeDriver chrome = signIn("manager", downloads);
        try {
            waitTitle(chrome);
            assertTrue(chrome.findElements(By.id("br-incidents-empty")).size() == 1, "no incidents yet: the empty state says what to do");
            check(chrome, "incidents-empty");
            chrome.findElement(By.id("br-create-incident")).click();
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-create-form")));
            chrome.findElement(By.id("br-incident-id")).sendKeys("vendor-leak");
            chrome.findElement(By.id("br-incident-title")).sendKeys("Vendor leak of contact data");
            chrome.findElement(By.id("br-incident-description")).sendKeys("The vendor's CRM export with names and emails.");
            chrome.findElement(By.id("br-exposed-name")).click();
            String explain = text(chrome, "br-policy-explain");
            assertTrue(explain.contains("second factor"), explain);
            assertFalse(chrome.findElement(By.id("br-policy-password")).isSelected(), "contact data: no password change by default");
            chrome.findElement(By.id("br-exposed-password")).click();
            assertTrue(chrome.findElement(By.id("br-policy-password")).isSelected(), "a leaked password asks for a password change");
            chrome.findElement(By.id("br-exposed-password")).click();
            assertFalse(chrome.findElement(By.id("br-policy-password")).isSelected());
            check(chrome, "create");
            chrome.findElement(By.id("br-create-submit")).click();

            wait(chrome).until(ExpectedConditions.textToBe(By.id("br-page-title"), "Vendor leak of contact data"));
            JsonNode incident = api.get("/incidents/vendor-leak").json();
            assertEquals("[\"email\",\"name\"]", incident.get("exposedData").toString(), incident.toString());
            assertEquals(false, incident.at("/policy/requirePasswordChange").asBoolean(true), incident.toString());

            chrome.findElement(By.id("br-tab-load")).click();
            WebElement file = wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-file")));
            file.sendKeys(vendorCsv().toString());
            waitText(chrome, "br-preview-flagged", "988");
            assertEquals("10", text(chrome, "br-preview-notFound"));
            assertEquals("2", text(chrome, "br-preview-ambiguous"));
            assertEquals("0", text(chrome, "br-preview-invalid"));
            String preview = text(chrome, "br-preview");
            assertTrue(preview.contains("stranger1@elsewhere.test"), "the first rows not found: " + preview);
            assertTrue(preview.contains("twin@example.test"), "the ambiguous rows: " + preview);
            assertTrue(preview.contains("first name"), "the ignored column: " + preview);
            assertEquals(0, api.get("/incidents/vendor-leak/flags?max=1").json().size(), "a dry run flags nobody");
            check(chrome, "load-preview");

            chrome.findElement(By.id("br-confirm")).click();
            wait(chrome).until(ExpectedConditions.attributeToBe(By.id("br-progress"), "aria-valuenow", "100"));
            wait(chrome).until(ExpectedConditions.visibilityOfElementLocated(By.id("br-load-done")));
            assertEquals("988", text(chrome, "br-result-flagged"));
            check(chrome, "load-done");

            // the rows that were not flagged, as CSV for the vendor or the responder
            chrome.findElement(By.id("br-download-misses")).click();
            Path misses = downloads.resolve("vendor-leak-not-flagged.csv");
            wait(chrome).until(d -> Files.exists(misses));
            List<String> rows = Files.readAllLines(misses);
            assertEquals("subjectType,subject,outcome,detail", rows.get(0), rows.toString());
            assertEquals(10, rows.stream().filter(r -> r.contains(",NOT_FOUND")).count(), rows.toString());
            assertEquals(2, rows.stream().filter(r -> r.contains(",AMBIGUOUS")).count(), rows.toString());
            assertEquals(13, rows.size(), "header, 10 not found, 2 ambiguous: " + rows);
            assertTrue(rows.stream().anyMatch(r -> r.contains("stranger1@elsewhere.test")), rows.toString());

            chrome.findElement(By.id("br-tab-overview")).click();
            waitText(chrome, "br-funnel-flagged", "988");
            assertEquals("0", text(chrome, "br-funnel-remediated"));
            check(chrome, "incident");
        } finally {
            chrome.quit();
        }
    }

    @Test
    @Order(2)
    void aFlaggedUserStepsUpInAnotherBrowserAndTheFunnelMoves() throws Exception {
        ChromeDriver user = chromium(null);
        try {
            user.get(urls.getBase() + "/realms/" + realm + "/account/");
            wait(user).until(ExpectedConditions.presenceOfElementLocated(By.id("kc-login")));
            LoginPages pages = new LoginPages(user);
            pages.submitPassword("stepper");
            // each page is waited for: the checks of LoginPages look at the page as it is at that moment
            wait(user).until(ExpectedConditions.presenceOfElementLocated(By.id("breach-notice")));
            pages.continueNotice();
            wait(user).until(ExpectedConditions.or(
                    ExpectedConditions.presenceOfElementLocated(By.id("kc-breach-choice-form")),
                    ExpectedConditions.presenceOfElementLocated(By.id("mode-manual")),
                    ExpectedConditions.presenceOfElementLocated(By.id("kc-totp-secret-key"))));
            if (pages.onPage("kc-breach-choice-form")) {
                user.findElement(By.id("breach-factor-otp")).click();
                user.findElement(By.id("kc-breach-choose")).click();
                wait(user).until(ExpectedConditions.or(
                        ExpectedConditions.presenceOfElementLocated(By.id("mode-manual")),
                        ExpectedConditions.presenceOfElementLocated(By.id("kc-totp-secret-key"))));
            }
            pages.enrolTotp();
            wait(user).until(ExpectedConditions.urlContains("/account"));
        } finally {
            user.quit();
        }
        JsonNode flag = api.get("/incidents/vendor-leak/flags/" + userId("stepper")).json();
        assertEquals("REMEDIATED", flag.get("state").asText(), flag.toString());

        ChromeDriver chrome = signIn("manager", null);
        try {
            chrome.get(consoleUrl() + "#/incident/vendor-leak");
            waitText(chrome, "br-funnel-steppedUp", "1");
            assertEquals("1", text(chrome, "br-funnel-remediated"));
            assertEquals("988", text(chrome, "br-funnel-flagged"));
            check(chrome, "incident-after-step-up");
        } finally {
            chrome.quit();
        }
    }

    @Test
    @Order(3)
    void realmAdminDismissesOneUserWithAReasonAndExportsTheOpenOnes() throws Exception {
        Path downloads = Files.createTempDirectory("console-downloads");
        ChromeDriver chrome = signIn("manager", downloads);
        try {
            chrome.get(consoleUrl() + "#/incident/vendor-leak/flags");
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-flags")));
            boolean named = api.get("/incidents/vendor-leak/flags?max=1").json().get(0).has("username");
            String target;
            if (named) {
                // the q filter (username or email prefix) and the username holding HTML, shown as text
                chrome.findElement(By.id("br-flags-q")).sendKeys("user0001");
                // the unfiltered first page holds this user too: wait for the filtered table (search is debounced)
                wait(chrome).until(d -> d.findElements(By.cssSelector("#br-flags tbody tr")).size() == 1
                        && d.findElement(By.id("br-flags")).getText().contains(XSS_USER));
                noAlert(chrome);
                assertEquals(1, chrome.findElements(By.cssSelector("#br-flags tbody tr")).size(), "one user matches user0001");
                target = userId(XSS_USER);
            } else {
                // an older server without usernames in the list: the first user still FLAGGED
                WebElement before = chrome.findElement(By.id("br-flags"));
                new Select(chrome.findElement(By.id("br-flags-state"))).selectByValue("FLAGGED");
                wait(chrome).until(ExpectedConditions.stalenessOf(before));
                wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-flags")));
                target = chrome.findElement(By.cssSelector("#br-flags .br-details")).getAttribute("data-user-id");
            }
            chrome.findElement(By.cssSelector("#br-flags .br-details[data-user-id='" + target + "']")).click();
            wait(chrome).until(ExpectedConditions.visibilityOfElementLocated(By.id("br-history")));
            check(chrome, "flags");
            chrome.findElement(By.id("br-dismiss")).click();
            WebElement reason = wait(chrome).until(ExpectedConditions.visibilityOfElementLocated(By.id("br-dismiss-reason")));
            assertEquals(reason, chrome.switchTo().activeElement(), "focus moves into the dialog");
            reason.sendKeys("Not our customer: an internal test account");
            check(chrome, "dismiss");
            chrome.findElement(By.id("br-dismiss-confirm")).click();
            wait(chrome).until(ExpectedConditions.visibilityOfElementLocated(By.id("br-dismissed")));
            JsonNode flag = api.get("/incidents/vendor-leak/flags/" + target).json();
            assertEquals("DISMISSED", flag.get("state").asText(), flag.toString());
            assertEquals("Not our customer: an internal test account", flag.get("dismissReason").asText());
            wait(chrome).until(ExpectedConditions.visibilityOfElementLocated(By.id("br-reflag")));
            noAlert(chrome);

            chrome.findElement(By.id("br-export")).click();
            wait(chrome).until(d -> {
                String s = d.findElement(By.id("br-export-status")).getText();
                return s.startsWith("Saved") || s.contains("no export") || s.startsWith("Export failed") ? s : null;
            });
            String status = chrome.findElement(By.id("br-export-status")).getText();
            int exportStatus = api.get("/incidents/vendor-leak/flags/export?state=open").status();
            if (exportStatus == 200) {
                assertTrue(status.startsWith("Saved"), status);
                Path csv = downloads.resolve("vendor-leak-flags-open.csv");
                wait(chrome).until(d -> Files.exists(csv));
                List<String> lines = Files.readAllLines(csv);
                assertEquals("userId,username,email,state,flaggedAt", lines.get(0));
                assertEquals(KNOWN - 2, lines.size() - 1, "988 flagged, one remediated, one dismissed: 986 still open");
            } else {
                assertEquals("This server has no export yet.", status, "the page says so when the server has no export");
            }

            // a dismissal by mistake is undone by re-flagging: the user is FLAGGED again, with the history kept
            chrome.findElement(By.id("br-reflag")).click();
            wait(chrome).until(ExpectedConditions.textToBePresentInElementLocated(By.id("br-main"), "The user is flagged again."));
            JsonNode again = api.get("/incidents/vendor-leak/flags/" + target).json();
            assertEquals("FLAGGED", again.get("state").asText(), again.toString());
            assertTrue(again.get("history").toString().contains("DISMISSED"), "the dismissal stays in the history: " + again);
            noAlert(chrome);
        } finally {
            chrome.quit();
        }
    }

    @Test
    @Order(4)
    void untrustedTextIsRenderedAsText() throws Exception {
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"xss\",\"title\":" + BreachApi.JSON.writeValueAsString(XSS_TITLE)
                + ",\"exposedData\":[\"email\"]}").status());
        ChromeDriver chrome = signIn("manager", null);
        try {
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-incidents")));
            String list = chrome.findElement(By.id("br-incidents")).getText();
            assertTrue(list.contains(XSS_TITLE), "the title as text: " + list);
            assertEquals(0, chrome.findElements(By.cssSelector("#br-incidents img")).size(), "no element was made from the title");
            noAlert(chrome);
            check(chrome, "incidents");
            chrome.findElement(By.linkText(XSS_TITLE)).click();
            waitText(chrome, "br-page-title", XSS_TITLE);
            assertEquals(0, chrome.findElements(By.cssSelector("main img")).size());
            noAlert(chrome);
            check(chrome, "xss");

            // edit (only what changed is sent) and close, through the page
            chrome.findElement(By.id("br-edit-incident")).click();
            WebElement description = wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-incident-description")));
            description.sendKeys("Titled with HTML on purpose.");
            chrome.findElement(By.id("br-edit-submit")).click();
            waitText(chrome, "br-page-title", XSS_TITLE);
            JsonNode edited = api.get("/incidents/xss").json();
            assertEquals("Titled with HTML on purpose.", edited.get("description").asText(), edited.toString());
            assertEquals(XSS_TITLE, edited.get("title").asText(), "the title was not sent back altered");
            chrome.findElement(By.id("br-close-incident")).click();
            wait(chrome).until(ExpectedConditions.elementToBeClickable(By.id("br-close-confirm"))).click();
            wait(chrome).until(ExpectedConditions.invisibilityOfElementLocated(By.id("br-close-incident")));
            assertEquals("CLOSED", api.get("/incidents/xss").json().get("status").asText());
            assertTrue(chrome.findElement(By.className("br-incident-head")).getText().contains("Closed"));
            assertEquals(0, chrome.findElements(By.id("br-tab-load")).size(), "a closed incident takes no list");
            noAlert(chrome);

            chrome.get(consoleUrl() + "#/realm");
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-run-setup"))).click();
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-setup-result")));
            assertTrue(chrome.findElement(By.id("br-setup-result")).getText().contains("nothing changed"),
                    chrome.findElement(By.id("br-setup-result")).getText());
            assertTrue(text(chrome, "br-setup-body").contains("registered"), "the console's client is registered");
            check(chrome, "realm");
        } finally {
            chrome.quit();
        }
    }

    @Test
    @Order(5)
    void aViewUsersAdminSeesEverythingButNoWriteControl() throws Exception {
        ChromeDriver chrome = signIn("viewer", null);
        try {
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-incidents")));
            assertTrue(chrome.findElement(By.id("br-incidents")).getText().contains("Vendor leak of contact data"));
            assertEquals(0, chrome.findElements(By.id("br-create-incident")).size(), "no create");
            check(chrome, "viewer-incidents");
            chrome.get(consoleUrl() + "#/incident/vendor-leak");
            waitText(chrome, "br-funnel-flagged", "988");
            assertAll("no write control on the incident",
                    () -> assertEquals(0, chrome.findElements(By.id("br-edit-incident")).size()),
                    () -> assertEquals(0, chrome.findElements(By.id("br-close-incident")).size()),
                    () -> assertEquals(0, chrome.findElements(By.id("br-tab-load")).size()));
            check(chrome, "viewer-incident");
            chrome.get(consoleUrl() + "#/incident/vendor-leak/flags");
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-flags")));
            chrome.findElement(By.cssSelector("#br-flags .br-details")).click();
            wait(chrome).until(ExpectedConditions.visibilityOfElementLocated(By.id("br-history")));
            assertEquals(0, chrome.findElements(By.id("br-dismiss")).size(), "no dismiss");
            assertEquals(0, chrome.findElements(By.id("br-reflag")).size(), "no re-flag");
            check(chrome, "viewer-flags");
            chrome.get(consoleUrl() + "#/realm");
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-logouts-summary")));
            assertTrue(text(chrome, "br-setup-body").contains("view-realm"), "setup status needs view-realm");
            assertEquals(0, chrome.findElements(By.id("br-run-setup")).size());
            assertEquals(0, chrome.findElements(By.id("br-run-reminders")).size());
            check(chrome, "viewer-realm");
        } finally {
            chrome.quit();
        }
    }

    @Test
    @Order(6)
    void aUserWithoutRightsGetsNoAccessAndNoData() throws Exception {
        ChromeDriver chrome = signIn("nobody", null);
        try {
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-no-access")));
            String page = chrome.findElement(By.tagName("body")).getText();
            assertTrue(page.contains("No access"), page);
            assertFalse(page.contains("Vendor leak"), "no data: " + page);
            chrome.get(consoleUrl() + "#/incident/vendor-leak/flags");
            chrome.navigate().refresh();
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-no-access")));
            assertEquals(0, chrome.findElements(By.id("br-flags")).size());
            check(chrome, "no-access");
            chrome.findElement(By.id("br-sign-out")).click();
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("kc-login")));
        } finally {
            chrome.quit();
        }
    }

    /**
     * The page's splitter (js/split.js, as the browser runs it): a CSV over the caps becomes parts within them, each
     * repeating the header line; NDJSON by lines; a JSON envelope into envelopes; a file within the caps goes as it is;
     * the idempotency key is the part's hex SHA-256 (Web Crypto) behind the incident and, for dry runs, "dry-run".
     */
    @Test
    @Order(7)
    void largeFilesAreSplitInTheBrowserWithTheHeaderInEveryCsvPart() throws Exception {
        ChromeDriver chrome = signIn("viewer", null);
        try {
            Object result = ((JavascriptExecutor) chrome).executeAsyncScript(
                    "var done = arguments[arguments.length - 1];"
                    + "import('./js/split.js').then(async function (m) {"
                    + "  var enc = new TextEncoder(); var out = {};"
                    + "  var rows = []; for (var i = 0; i < 25; i++) { rows.push('u' + i + '@x.test,N' + i); }"
                    + "  var csv = 'email,name\\n' + rows.join('\\n') + '\\n';"
                    + "  var r = m.split(csv, enc.encode(csv), m.kindOf('list.csv', csv), {maxSubjects: 10, maxBodyBytes: 100000});"
                    + "  var dec = new TextDecoder();"
                    + "  out.csvParts = r.parts.map(function (p) { return p.subjects; });"
                    + "  out.csvHeaders = r.parts.map(function (p) { return dec.decode(p.bytes).split('\\n')[0]; });"
                    + "  out.csvLast = dec.decode(r.parts[2].bytes);"
                    + "  var big = 'email\\n'; for (var j = 0; j < 400; j++) { big += 'someone-' + j + '@example.test\\n'; }"
                    + "  var b = m.split(big, enc.encode(big), 'csv', {maxSubjects: 100000, maxBodyBytes: 4096 + 2000});"
                    + "  out.byteParts = b.parts.length; out.byteMax = Math.max.apply(null, b.parts.map(function (p) { return p.bytes.length; }));"
                    + "  out.byteSubjects = b.parts.reduce(function (a, p) { return a + p.subjects; }, 0);"
                    + "  var nd = '{\"email\":\"a@x\"}\\n{\"email\":\"b@x\"}\\n{\"email\":\"c@x\"}\\n';"
                    + "  out.ndjson = m.split(nd, enc.encode(nd), m.kindOf('x.ndjson', nd), {maxSubjects: 2, maxBodyBytes: 100000}).parts.map(function (p) { return dec.decode(p.bytes); });"
                    + "  var js = JSON.stringify({subjects: [{email: 'a@x'}, {email: 'b@x'}, {email: 'c@x'}]});"
                    + "  out.json = m.split(js, enc.encode(js), 'json', {maxSubjects: 2, maxBodyBytes: 100000}).parts.map(function (p) { return dec.decode(p.bytes); });"
                    + "  var small = m.split(csv, enc.encode(csv), 'csv', {maxSubjects: 100, maxBodyBytes: 100000});"
                    + "  out.asIs = small.parts.length === 1 && dec.decode(small.parts[0].bytes) === csv;"
                    + "  out.key = m.idempotencyKey('leak', await m.sha256Hex(enc.encode('abc')), false);"
                    + "  out.dryKey = m.idempotencyKey('leak', 'ab', true);"
                    + "  done(JSON.stringify(out));"
                    + "}).catch(function (e) { done('failed: ' + e); });");
            JsonNode out = BreachApi.JSON.readTree(String.valueOf(result));
            assertAll("split.js in the browser: " + out,
                    () -> assertEquals("[10,10,5]", out.get("csvParts").toString()),
                    () -> assertEquals("[\"email,name\",\"email,name\",\"email,name\"]", out.get("csvHeaders").toString(), "the header in every part"),
                    () -> assertTrue(out.get("csvLast").asText().startsWith("email,name\nu20@x.test,N20\n"), out.get("csvLast").asText()),
                    () -> assertTrue(out.get("byteParts").asInt() > 1, "split by bytes too"),
                    () -> assertTrue(out.get("byteMax").asInt() <= 2000, "each part within the byte cap less the margin"),
                    () -> assertEquals(400, out.get("byteSubjects").asInt(), "no line lost"),
                    () -> assertEquals("[\"{\\\"email\\\":\\\"a@x\\\"}\\n{\\\"email\\\":\\\"b@x\\\"}\\n\",\"{\\\"email\\\":\\\"c@x\\\"}\\n\"]",
                            out.get("ndjson").toString()),
                    () -> assertEquals(2, out.get("json").size()),
                    () -> assertEquals("{\"subjects\":[{\"email\":\"c@x\"}]}", out.get("json").get(1).asText()),
                    () -> assertTrue(out.get("asIs").asBoolean(), "a file within the caps goes unchanged"),
                    () -> assertEquals("leak:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", out.get("key").asText(),
                            "SHA-256 of the part (FIPS 180-2 test vector for 'abc')"),
                    () -> assertEquals("leak:dry-run:ab", out.get("dryKey").asText()));
        } finally {
            chrome.quit();
        }
    }

    @Test
    @Order(12)
    void realmAdminAddsAWebhookSeesItsSecretOnceSendsATestAndDeletesIt() throws Exception {
        List<String[]> got = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/siem", exchange -> {
            got.add(new String[] {exchange.getRequestHeaders().getFirst("webhook-id"), exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)});
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/siem";
        ChromeDriver chrome = signIn("manager", null);
        try {
            chrome.get(consoleUrl() + "#/realm");
            wait(chrome).until(ExpectedConditions.visibilityOfElementLocated(By.id("br-webhooks-none")));
            chrome.findElement(By.id("br-webhook-url")).sendKeys(url);
            chrome.findElement(By.id("br-webhook-description")).sendKeys("SIEM");
            chrome.findElement(By.id("br-webhook-add")).click();
            String secret = wait(chrome).until(ExpectedConditions.visibilityOfElementLocated(By.id("br-webhook-secret"))).getText();
            assertTrue(secret.startsWith("whsec_"), secret);
            JsonNode hooks = api.get("/webhooks").json().get("webhooks");
            assertEquals(1, hooks.size(), hooks.toString());
            assertEquals(url, hooks.get(0).get("url").asText());
            assertEquals(List.of("flag.created", "flag.remediated", "job.finished"),
                    StreamSupport.stream(hooks.get(0).get("events").spliterator(), false).map(JsonNode::asText).toList(),
                    "the preselected events");
            check(chrome, "webhook-secret");

            chrome.findElement(By.cssSelector("#br-webhooks-table .br-webhook-test")).click();
            wait(chrome).until(ExpectedConditions.textToBePresentInElementLocated(By.id("br-webhooks"), "Test event queued"));
            long end = System.nanoTime() + WAIT.toNanos();
            while (got.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertEquals(1, got.size(), "the receiver got the test event");
            String[] r = got.get(0);
            Map<String, List<String>> headers = Map.of("webhook-id", List.of(r[0]), "webhook-timestamp", List.of(r[1]),
                    "webhook-signature", List.of(r[2]));
            new Webhook(secret).verify(r[3], headers); // the Standard Webhooks reference library: signed with the secret the page showed
            assertTrue(r[3].contains("\"type\":\"webhook.test\""), r[3]);

            // shown once: after a reload the secret is gone from the page, the delivery is counted (recorded after the
            // receiver answered: wait for it through the API, the page reads the counts once)
            String hookId = api.get("/webhooks").json().at("/webhooks/0/id").asText();
            long recorded = System.nanoTime() + WAIT.toNanos();
            while (api.get("/webhooks/" + hookId + "/deliveries?state=DELIVERED").json().at("/counts/DELIVERED").asInt() < 1
                    && System.nanoTime() < recorded) {
                Thread.sleep(100);
            }
            chrome.navigate().refresh();
            wait(chrome).until(ExpectedConditions.textToBePresentInElementLocated(By.id("br-webhooks-table"), "Delivered 1"));
            assertTrue(chrome.findElements(By.id("br-webhook-secret")).isEmpty(), "the secret is not shown again");
            assertFalse(chrome.getPageSource().contains(secret), "nor anywhere in the page");
            check(chrome, "webhooks");

            chrome.findElement(By.cssSelector("#br-webhooks-table .br-webhook-delete")).click();
            wait(chrome).until(ExpectedConditions.elementToBeClickable(By.id("br-webhook-delete-confirm"))).click();
            wait(chrome).until(ExpectedConditions.visibilityOfElementLocated(By.id("br-webhooks-none")));
            assertEquals(0, api.get("/webhooks").json().get("webhooks").size());
        } finally {
            chrome.quit();
            receiver.stop(0);
        }
    }

    @Test
    @Order(8)
    void realmAdminSavesTheRealmDefaultsAndSeesARefusalExplained() throws Exception {
        int quietHour = AdminAlertsIT.quietHour();
        assertEquals(200, api.putJson("/config", "{\"breachedPasswords\":{\"rangeApiUrl\":null,\"minCount\":5,\"failClosed\":true},"
                + "\"userReports\":{\"securityEmails\":true,\"securityContact\":\"soc@example.test\",\"linkDays\":3},"
                + "\"alerts\":{\"enabled\":true,\"contact\":\"ir@example.test\",\"digestHourUtc\":" + quietHour
                + ",\"failedDeliveries\":4},\"stepUpNotice\":\"message\"}").status());
        ChromeDriver chrome = signIn("manager", null);
        try {
            chrome.get(consoleUrl() + "#/realm");
            WebElement days = wait(chrome).until(ExpectedConditions.visibilityOfElementLocated(By.id("br-config-grace-days")));
            days.clear();
            days.sendKeys("3");
            WebElement contact = chrome.findElement(By.id("br-config-security-contact"));
            assertEquals("soc@example.test", contact.getAttribute("value"), "the form shows the saved settings");
            contact.clear();
            contact.sendKeys("cert@example.test");
            assertEquals("ir@example.test", chrome.findElement(By.id("br-config-alerts-contact")).getAttribute("value"));
            WebElement deliveries = chrome.findElement(By.id("br-config-alerts-failedDeliveries"));
            assertEquals("4", deliveries.getAttribute("value"));
            deliveries.clear();
            deliveries.sendKeys("7");
            assertEquals("message", chrome.findElement(By.id("br-config-step-up-notice")).getAttribute("value"));
            chrome.findElement(By.id("br-config-save")).click();
            wait(chrome).until(ExpectedConditions.textToBePresentInElementLocated(By.id("br-config"), "The realm defaults are saved."));
            JsonNode saved = api.get("/config").json();
            assertEquals(3, saved.at("/grace/days").asInt(), saved.toString());
            // what the form shows survives its save: breached-password and report settings are not reset to defaults
            assertEquals("{\"checkAtLogin\":false,\"rangeApiUrl\":null,\"offlineCorpus\":true,\"minCount\":5,\"failClosed\":true}",
                    saved.get("breachedPasswords").toString());
            assertEquals("{\"securityEmails\":true,\"securityContact\":\"cert@example.test\",\"linkDays\":3}", saved.get("userReports").toString());
            assertEquals("{\"enabled\":true,\"contact\":\"ir@example.test\",\"digest\":true,\"digestHourUtc\":" + quietHour + ",\"intervalMinutes\":60,"
                    + "\"userReportsPerHour\":3,\"enforcementGapsPerHour\":1,\"failedDeliveries\":7,\"failedJobsPerHour\":1}", saved.get("alerts").toString());
            assertEquals("message", saved.get("stepUpNotice").asText(), "the notice setting survives the save");
            check(chrome, "realm-saved");

            // "send the digest now": this realm has no SMTP server, so the page says it failed and nothing counts as sent
            chrome.findElement(By.id("br-alerts-run")).click();
            wait(chrome).until(ExpectedConditions.textToBePresentInElementLocated(By.id("br-config"), "Alerts checked: 0 sent, 1 failed."));
            assertTrue(api.get("/alerts").json().get("lastSent").path("digest").isMissingNode(), api.get("/alerts").body());

            // out of range: the API refuses it, the page says why, and nothing changed
            days = chrome.findElement(By.id("br-config-grace-days"));
            days.clear();
            days.sendKeys("400");
            chrome.findElement(By.id("br-config-save")).click();
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#br-config .pf-v5-c-alert.pf-m-danger")));
            String refusal = chrome.findElement(By.cssSelector("#br-config .pf-v5-c-alert.pf-m-danger")).getText();
            assertTrue(refusal.contains("grace"), "the API's reason is shown: " + refusal);
            assertEquals(3, api.get("/config").json().at("/grace/days").asInt(), "the refused value was not saved");
        } finally {
            chrome.quit();
        }
    }

    @Test
    @Order(9)
    void aGermanBrowserOpensABookmarkOfAnIncidentAndGetsItInGerman() throws Exception {
        // a fresh browser on a bookmark of the incident: after the sign-in (which returns to the console's one
        // redirect URI, without the fragment) it lands on that incident, not on the list
        ChromeDriver chrome = signIn(consoleUrl() + "#/incident/vendor-leak", chromium(null, "de-DE"), "viewer");
        try {
            wait(chrome).until(ExpectedConditions.titleIs("Breach Response – Vorfallkonsole"));
            waitText(chrome, "br-funnel-flagged", "988");
            assertTrue(chrome.getCurrentUrl().endsWith("#/incident/vendor-leak"), chrome.getCurrentUrl());
            check(chrome, "incident-de");
            chrome.findElement(By.cssSelector("a[data-nav='incidents']")).click();
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-incidents")));
            String nav = chrome.findElement(By.tagName("nav")).getText();
            assertTrue(nav.contains("Vorfälle"), "the navigation in German: " + nav);
            assertEquals("de", chrome.findElement(By.tagName("html")).getAttribute("lang"), "the page says its language");
            check(chrome, "incidents-de");
        } finally {
            chrome.quit();
        }
    }

    /**
     * A master-realm admin opens the console of the master realm and picks the realm to work on. The console's client
     * is registered in master by hand here (POST /setup on master would also patch the shared server's master flows).
     */
    @Test
    @Order(10)
    void aMasterRealmAdminPicksTheRealmToWorkOn() throws Exception {
        String master = urls.getBase() + "/realms/master/breach-response/console/";
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId("breach-response-console");
        client.setPublicClient(true);
        client.setStandardFlowEnabled(true);
        client.setDirectAccessGrantsEnabled(false);
        client.setFullScopeAllowed(true);
        client.setRedirectUris(List.of(master));
        client.setWebOrigins(List.of("+"));
        client.setAttributes(Map.of("pkce.code.challenge.method", "S256", "post.logout.redirect.uris", master));
        String username = "br-console-" + realm.toLowerCase(Locale.ROOT);
        String clientId = null;
        String userId = null;
        try (Response created = admin.realm("master").clients().create(client)) {
            assertEquals(201, created.getStatus());
            clientId = CreatedResponseUtil.getCreatedId(created);
        }
        ChromeDriver chrome = null;
        try {
            try (Response created = admin.realm("master").users().create(Realms.user(null, username))) {
                assertEquals(201, created.getStatus());
                userId = CreatedResponseUtil.getCreatedId(created);
            }
            admin.realm("master").users().get(userId).roles().realmLevel()
                    .add(List.of(admin.realm("master").roles().get("admin").toRepresentation()));
            chrome = signIn(master, chromium(null), username);
            WebElement picker = wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-realm-picker")));
            Select realms = new Select(picker);
            assertTrue(realms.getOptions().stream().anyMatch(o -> o.getText().equals(realm)), "the test realm is offered");
            assertTrue(realms.getOptions().stream().anyMatch(o -> o.getText().equals("master")), "and master");
            realms.selectByVisibleText(realm);
            wait(chrome).until(ExpectedConditions.textToBePresentInElementLocated(By.id("br-incidents"), "Vendor leak of contact data"));
            check(chrome, "master-picker");
        } finally {
            if (chrome != null) {
                chrome.quit();
            }
            if (userId != null) {
                admin.realm("master").users().delete(userId).close();
            }
            admin.realm("master").clients().get(clientId).remove();
        }
    }

    /**
     * A file dropped on the drop zone (a drop event carrying the file, as the browser fires it) that holds more
     * subjects than one request may (100,000 by default): the page splits it and dry-runs each part against the
     * server, and the preview adds the parts up.
     */
    @Test
    @Order(11)
    void aDroppedFileLargerThanOneRequestIsSplitAndEachPartDryRunOnTheServer() throws Exception {
        ChromeDriver chrome = signIn("manager", null);
        try {
            chrome.get(consoleUrl() + "#/incident/vendor-leak/load");
            wait(chrome).until(ExpectedConditions.presenceOfElementLocated(By.id("br-dropzone")));
            int before = api.get("/incidents/vendor-leak/jobs").json().size();
            ((JavascriptExecutor) chrome).executeScript(
                    "var rows = ['email']; for (var i = 0; i < 100001; i++) { rows.push('unknown-' + i + '@elsewhere.test'); }"
                    + "var dt = new DataTransfer();"
                    + "dt.items.add(new File([rows.join('\\n') + '\\n'], 'vendor-export.csv', {type: 'text/csv'}));"
                    + "var zone = document.getElementById('br-dropzone');"
                    + "zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true, cancelable: true}));"
                    + "zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));");
            wait(chrome).until(ExpectedConditions.textToBePresentInElementLocated(By.id("br-load-file"), "in 2 part(s)"));
            String file = text(chrome, "br-load-file");
            assertTrue(Pattern.compile("vendor-export\\.csv: 100,?001 entries in 2 part\\(s\\)").matcher(file).find(), file);
            waitText(chrome, "br-preview-notFound", "100,001");
            assertEquals("0", text(chrome, "br-preview-flagged"));
            assertFalse(chrome.findElement(By.id("br-confirm")).isEnabled(), "nobody to flag: nothing to confirm");
            JsonNode jobs = api.get("/incidents/vendor-leak/jobs").json();
            assertEquals(before + 2, jobs.size(), "one dry run per part: " + jobs);
            check(chrome, "load-split");
        } finally {
            chrome.quit();
        }
    }
}
