package dev.breachresponse.keycloak.alert;

import java.util.List;

import org.keycloak.models.RealmModel;
import org.keycloak.provider.Provider;

/** Admin alerts of a realm, run on demand ({@code POST .../breach-response/alerts/run}); the timer runs them for every realm. */
public interface AlertService extends Provider {

    /**
     * What one run did: every kind checked with its value, threshold and outcome, and the kinds whose email went out
     * ({@code sent}) or could not be sent ({@code failed}: its claim was given back, the next run tries again);
     * {@code failed} is null when the check itself failed (logged).
     */
    record RunReport(boolean enabled, List<AdminAlerts.Checked> checked, List<String> sent, List<String> failed) {
    }

    /** Checks the realm's alerts now and sends what is due, before answering; {@code digest}: the digest now, whatever the hour. */
    RunReport runNow(RealmModel realm, boolean digest);
}
