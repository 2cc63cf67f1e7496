package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.htmlunit.HtmlUnitDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The steps the login tests take on Keycloak's and our login pages, for any WebDriver (HtmlUnit or Chromium):
 * the password form, the OTP form, the breach notice and TOTP enrolment with a code computed from the shown secret.
 * Each step that submits a form returns once the next page has replaced the current one: HtmlUnit loads it within the
 * click, Chromium may still be loading when the click returns, and a check made then would see the old page.
 */
final class LoginPages {

    private final WebDriver driver;

    LoginPages(WebDriver driver) {
        this.driver = driver;
    }

    /** Whether the page holds an element with this id. */
    boolean onPage(String id) {
        return !driver.findElements(By.id(id)).isEmpty();
    }

    /** The URL and the visible text of the page, for assertion messages. */
    String pageText() {
        return driver.getCurrentUrl() + "\n" + driver.findElement(By.tagName("body")).getText();
    }

    /** Fills Keycloak's username-password form with {@link Realms#PASSWORD} and submits it. */
    void submitPassword(String username) {
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(Realms.PASSWORD);
        submit(By.id("kc-login"));
    }

    /** Enters a code in the OTP form (asserting that the page shows it) and submits it. */
    void submitOtp(String code) {
        assertTrue(onPage("otp"), "expected the OTP challenge, got: " + pageText());
        driver.findElement(By.id("otp")).sendKeys(code);
        submit(By.id("kc-login"));
    }

    /** Asserts that the breach notice is shown and continues past it. */
    void continueNotice() {
        assertTrue(onPage("breach-notice"), "expected the breach notice, got: " + pageText());
        submit(By.id("kc-breach-continue"));
    }

    /**
     * Enrols TOTP on Keycloak's configure-OTP page with a code computed from the secret it shows; on the factor
     * choice page (several factors allowed) it chooses the authenticator app first. Returns the enrolled key.
     */
    byte[] enrolTotp() {
        if (onPage("kc-breach-choice-form")) {
            // FactorChoiceIT covers the choice page itself
            driver.findElement(By.id("breach-factor-otp")).click();
            submit(By.id("kc-breach-choose"));
        }
        if (onPage("mode-manual")) {
            // the page opens in QR-code mode; the manual mode shows the secret as text
            driver.findElement(By.id("mode-manual")).click();
        }
        assertTrue(onPage("kc-totp-secret-key"), "expected the configure-OTP page, got: " + pageText());
        byte[] key = Totp.keyOfShown(driver.findElement(By.id("kc-totp-secret-key")).getText());
        driver.findElement(By.id("totp")).sendKeys(Totp.code(key, 0));
        submit(By.cssSelector("#kc-totp-settings-form input[type=submit]"));
        return key;
    }

    /** Clicks a submit button and, in a real browser, waits (up to 30 s) until the page it was on has been replaced. */
    void submit(By button) {
        WebElement page = driver.findElement(By.tagName("html"));
        driver.findElement(button).click();
        if (!(driver instanceof HtmlUnitDriver)) {
            new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.stalenessOf(page));
        }
    }
}
