package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * kill -9 the server while it sends reminders; after the restart the scheduler sends the rest. Every user gets
 * the step, and at most one user gets it twice: the documented window between the mail server accepting a
 * message and the outbox row's commit. The outbox ends with every row SENT, none twice.
 */
class ReminderCrashIT {

    static final int USERS = 300;

    KeycloakProcess kc;
    GreenMail smtp;

    @AfterEach
    void stop() {
        if (kc != null) {
            kc.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void killedWhileSendingEveryoneGetsTheStepAndAtMostOneTwice() throws Exception {
        smtp = new GreenMail(new ServerSetup(3126, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        kc = KeycloakProcess.forThisRun("reminder-crash", "start-dev")
                .option("spi-breach-reminders--default--interval-seconds", "5")
                .option("spi-breach-reminders--default--send-cap", "1000");
        kc.start();

        StringBuilder users = new StringBuilder("[");
        StringBuilder subjects = new StringBuilder("{\"subjects\":[");
        for (int i = 0; i < USERS; i++) {
            users.append(i == 0 ? "" : ",").append("{\"username\":\"dev").append(i).append("\",\"enabled\":true,\"email\":\"dev")
                    .append(i).append("@crash.test\",\"firstName\":\"Dev\",\"lastName\":\"").append(i).append("\"}");
            subjects.append(i == 0 ? "" : ",").append("{\"username\":\"dev").append(i).append("\"}");
        }
        String realm = "{\"realm\":\"crash\",\"enabled\":true,\"smtpServer\":{\"host\":\"127.0.0.1\",\"port\":\"3126\","
                + "\"from\":\"breach@crash.test\"},\"users\":" + users.append("]") + "}";
        assertEquals(201, kc.adminCall("POST", "/realms", realm).statusCode());
        BreachApi api = kc.api("crash");
        assertEquals(200, api.post("/setup", null, "").status());
        assertEquals(201, api.postJson("/incidents", "{\"id\":\"leak\",\"title\":\"Crash leak\",\"exposedData\":[\"email\"],"
                + "\"policy\":{\"reminders\":{\"enabled\":true,\"afterDays\":[0]},\"deadlineDays\":0}}").status());
        String job = api.postJson("/incidents/leak/flags", subjects.append("]}").toString()).json().get("id").asText();
        assertEquals("SUCCEEDED", api.awaitJob(job, Duration.ofMinutes(2)).get("state").asText());

        // the scheduler (every 5 s) starts sending; kill -9 once a tenth went out
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (smtp.getReceivedMessages().length < USERS / 10 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        kc.kill();
        int atKill = smtp.getReceivedMessages().length;
        assertTrue(atKill > 0 && atKill < USERS, "killed while sending (" + atKill + " of " + USERS + " sent)");

        kc.start();
        deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (api.get("/incidents/leak/reminders").json().at("/counts/SENT").asInt() < USERS && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        Thread.sleep(Duration.ofSeconds(12).toMillis()); // at least two more ticks

        Map<String, Integer> perRecipient = new TreeMap<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            perRecipient.merge(m.getAllRecipients()[0].toString(), 1, Integer::sum);
        }
        List<String> twice = new ArrayList<>();
        perRecipient.forEach((to, n) -> {
            if (n > 1) {
                twice.add(to + "=" + n);
            }
        });
        assertEquals(USERS, perRecipient.size(), "every user got the step");
        assertTrue(twice.size() <= 1 && twice.stream().noneMatch(t -> !t.endsWith("=2")),
                "at most one duplicate (the SMTP window), got " + twice);
        assertEquals(USERS, api.get("/incidents/leak/reminders").json().at("/counts/SENT").asInt());
        System.out.printf("[reminder-crash] %d sent before kill -9, %d duplicates after restart%n", atKill, twice.size());
    }
}
