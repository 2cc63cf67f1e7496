package dev.breachresponse.keycloak.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import org.keycloak.testframework.mail.MailServer;

/** Reading what the framework's mail server received. */
final class Mails {

    private static final Pattern LINK = Pattern.compile("https?://[^\\s\"<>]+/login-actions/action-token\\?[^\\s\"<>]+");

    private Mails() {
    }

    /** The messages the mail server received after its first {@code seen} that went to {@code address}, in order. */
    static List<MimeMessage> to(MailServer mail, int seen, String address) throws MessagingException {
        List<MimeMessage> out = new ArrayList<>();
        MimeMessage[] all = mail.getReceivedMessages();
        for (MimeMessage m : Arrays.copyOfRange(all, Math.min(seen, all.length), all.length)) {
            if (m.getAllRecipients()[0].toString().equals(address)) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * Waits at most {@code timeout} until {@code address} has received {@code n} messages after the first {@code seen};
     * fails otherwise; returns the {@code n}th.
     */
    static MimeMessage await(MailServer mail, int seen, String address, int n, Duration timeout) throws MessagingException, InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (to(mail, seen, address).size() < n && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        List<MimeMessage> got = to(mail, seen, address);
        assertTrue(got.size() >= n, address + " received " + got.size() + " of " + n);
        return got.get(n - 1);
    }

    /** The plain-text part of a message (Keycloak sends text + html). */
    static String text(MimeMessage m) throws IOException, MessagingException {
        Object content = m.getContent();
        if (content instanceof String s) {
            return s;
        }
        Multipart mp = (Multipart) content;
        for (int i = 0; i < mp.getCount(); i++) {
            BodyPart part = mp.getBodyPart(i);
            if (part.isMimeType("text/plain")) {
                return (String) part.getContent();
            }
        }
        return (String) mp.getBodyPart(0).getContent();
    }

    /** The html part of a message, or null. */
    static String html(MimeMessage m) throws IOException, MessagingException {
        if (!(m.getContent() instanceof Multipart mp)) {
            return null;
        }
        for (int i = 0; i < mp.getCount(); i++) {
            BodyPart part = mp.getBodyPart(i);
            if (part.isMimeType("text/html")) {
                return (String) part.getContent();
            }
        }
        return null;
    }

    /**
     * Keeps the html part under {@code target/mails/<name>.html}, to look at (screenshots in docs/screenshots are
     * taken from these); not an assertion.
     */
    static void keep(MimeMessage m, String name) throws IOException, MessagingException {
        String html = html(m);
        if (html != null) {
            java.nio.file.Path dir = java.nio.file.Path.of("target", "mails");
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.writeString(dir.resolve(name + ".html"), html);
        }
    }

    static String firstLink(MimeMessage m) throws IOException, MessagingException {
        String text = text(m);
        Matcher matcher = LINK.matcher(text);
        if (!matcher.find()) {
            throw new AssertionError("no action link in: " + text);
        }
        return matcher.group();
    }
}
