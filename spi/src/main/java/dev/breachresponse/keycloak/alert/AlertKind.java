package dev.breachresponse.keycloak.alert;

import java.util.Optional;

/**
 * The kinds of admin alert (docs/alerts.md): the daily digest and the threshold alerts. {@link #key} names the kind in
 * the API, the alert state table, the email's attributes and its message keys ({@code breachAlertSubject.<key>}).
 */
public enum AlertKind {
    DIGEST("digest"),
    USER_REPORTS("userReports"),
    ENFORCEMENT_GAPS("enforcementGaps"),
    FAILED_DELIVERIES("failedDeliveries"),
    FAILED_JOBS("failedJobs");

    public final String key;

    AlertKind(String key) {
        this.key = key;
    }

    public static Optional<AlertKind> byKey(String key) {
        for (AlertKind k : values()) {
            if (k.key.equals(key)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
