package dev.breachresponse.keycloak.incident;

import java.util.Set;

import org.keycloak.utils.EmailValidationUtil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.RealmSettings.Alerts;

/**
 * Reads and writes the {@code alerts} part of the realm settings ({@link Alerts}): absent fields take the defaults;
 * unknown fields, wrong types and values out of range are refused with a sentence naming the field. Pure logic.
 */
final class AlertsCodec {

    private static final Set<String> FIELDS = Set.of("enabled", "contact", "digest", "digestHourUtc", "intervalMinutes", "userReportsPerHour",
            "enforcementGapsPerHour", "failedDeliveries", "failedJobsPerHour");

    /** The most login paths one check counts (enforcement gaps' threshold cannot be higher). */
    static final int MAX_GAP_PATHS = 100;

    /** The largest threshold: beyond it an alert would never fire on a realm this extension serves. */
    static final int MAX_THRESHOLD = 1_000_000;

    private AlertsCodec() {
    }

    /** @throws IllegalArgumentException naming the offending field */
    static Alerts read(JsonNode a) {
        Alerts d = Alerts.DEFAULTS;
        if (a == null) {
            return d;
        }
        if (!a.isObject()) {
            throw new IllegalArgumentException("alerts must be an object such as {\"enabled\": true, \"contact\": \"soc@example.com\"}");
        }
        JsonFields.rejectUnknown(a, FIELDS, "alerts");
        // as Keycloak's email sender checks it (EmailValidationUtil), and ASCII (SMTP servers without SMTPUTF8), so that an
        // address saved here is one Keycloak can send to
        String contact = UserReportsCodec.address(a.get("contact"), d.contact(), AlertsCodec::sendable,
                "alerts.contact must be an email address such as soc@example.com, or null (userReports.securityContact)");
        return new Alerts(JsonFields.bool(a, "enabled", d.enabled(), "alerts"), contact,
                JsonFields.bool(a, "digest", d.digest(), "alerts"),
                JsonFields.integer(a, "digestHourUtc", d.digestHourUtc(), 0, 23, "alerts"),
                JsonFields.integer(a, "intervalMinutes", d.intervalMinutes(), 5, 10_080, "alerts"),
                JsonFields.integer(a, "userReportsPerHour", d.userReportsPerHour(), 0, MAX_THRESHOLD, "alerts"),
                JsonFields.integer(a, "enforcementGapsPerHour", d.enforcementGapsPerHour(), 0, MAX_GAP_PATHS, "alerts"),
                JsonFields.integer(a, "failedDeliveries", d.failedDeliveries(), 0, MAX_THRESHOLD, "alerts"),
                JsonFields.integer(a, "failedJobsPerHour", d.failedJobsPerHour(), 0, MAX_THRESHOLD, "alerts"));
    }

    /** An address Keycloak's email sender takes ({@code EmailValidationUtil}) and an SMTP server without SMTPUTF8 too (ASCII). */
    static boolean sendable(String address) {
        return EmailValidationUtil.isValidEmail(address) && address.chars().allMatch(ch -> ch < 128);
    }

    static ObjectNode toJson(Alerts a) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("enabled", a.enabled());
        if (a.contact() == null) {
            n.putNull("contact");
        } else {
            n.put("contact", a.contact());
        }
        n.put("digest", a.digest());
        n.put("digestHourUtc", a.digestHourUtc());
        n.put("intervalMinutes", a.intervalMinutes());
        n.put("userReportsPerHour", a.userReportsPerHour());
        n.put("enforcementGapsPerHour", a.enforcementGapsPerHour());
        n.put("failedDeliveries", a.failedDeliveries());
        n.put("failedJobsPerHour", a.failedJobsPerHour());
        return n;
    }
}
