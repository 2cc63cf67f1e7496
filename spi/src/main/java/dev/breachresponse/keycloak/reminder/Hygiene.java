package dev.breachresponse.keycloak.reminder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.credential.PasswordCredentialModel;

import dev.breachresponse.keycloak.incident.Factor;
import dev.breachresponse.keycloak.incident.HygieneStore;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.Nudge;
import dev.breachresponse.keycloak.incident.RealmSettings;
import dev.breachresponse.keycloak.incident.RealmSettingsCodec;

/**
 * The hygiene campaign: a slow walk over all local users of each realm that switched it on, keyset-paged by user
 * id, at most {@code batch} users per run across realms. A pass starts at most every {@code hygiene.everyDays}
 * days and queues at most one email per user (the unique (realm, user, pass) row); users with an open flag are
 * left to the incident's reminders. Sending is {@link Sender}'s, as for reminders.
 */
final class Hygiene {

    private static final Logger LOG = Logger.getLogger(Hygiene.class);

    record Walked(int realms, int users, int queued, int passesStarted, int passesFinished) {
    }

    private Hygiene() {
    }

    /** @param onlyRealmId one realm (the admin "run now"), or null for all realms (the scheduler) */
    static Walked walk(KeycloakSession session, String onlyRealmId, long now, int batch, Audit audit) {
        HygieneStore store = session.getProvider(IncidentStore.class).hygiene();
        int realms = 0;
        int users = 0;
        int queued = 0;
        int started = 0;
        int finished = 0;
        for (Map.Entry<String, String> config : new TreeMap<>(store.realmConfigs()).entrySet()) {
            String realmId = config.getKey();
            if (users >= batch || (onlyRealmId != null && !onlyRealmId.equals(realmId))) {
                continue;
            }
            RealmSettings rs;
            try {
                rs = RealmSettingsCodec.fromStored(config.getValue());
            } catch (IllegalStateException e) {
                LOG.errorf(e, "breach-response: unreadable settings of realm id %s; its hygiene walk is skipped", realmId);
                continue;
            }
            RealmModel realm = session.realms().getRealm(realmId);
            if (realm == null || !rs.hygiene().on()) {
                continue;
            }
            HygieneStore.Walk w = store.lockWalk(realmId);
            if (w.cursorId() == null) {
                if (w.passStartedAt() != null && now < w.passStartedAt() + rs.hygiene().everyDays() * Schedule.DAY) {
                    continue;
                }
                w = new HygieneStore.Walk(w.pass() + 1, "", now, null, 0, 0);
                started++;
            }
            realms++;
            int budget = batch - users;
            List<HygieneStore.UserRow> page = store.usersAfter(realmId, w.cursorId(), budget);
            List<String> ids = page.stream().map(HygieneStore.UserRow::id).toList();
            Map<String, List<HygieneStore.Credential>> creds = store.credentials(ids);
            Set<String> flagged = store.withOpenFlags(realmId, ids);
            Set<String> done = store.nudgedInPass(realmId, w.pass(), ids);
            int q = 0;
            for (HygieneStore.UserRow u : page) {
                if (!u.enabled() || !u.hasEmail() || flagged.contains(u.id()) || done.contains(u.id())) {
                    continue;
                }
                List<String> asks = asks(creds.getOrDefault(u.id(), List.of()), rs, now);
                if (!asks.isEmpty()) {
                    store.createNudge(realmId, u.id(), w.pass(), asks, now);
                    q++;
                }
            }
            boolean end = page.size() < budget;
            String cursor = end ? null : ids.get(ids.size() - 1);
            store.saveWalk(realmId, new HygieneStore.Walk(w.pass(), cursor, w.passStartedAt(), end ? Long.valueOf(now) : null,
                    w.walked() + page.size(), w.queued() + q));
            if (end) {
                finished++;
            }
            users += page.size();
            queued += q;
            if (!page.isEmpty() || q > 0) {
                audit.hygiene(realm, w.pass(), page.size(), q, end);
            }
        }
        return new Walked(realms, users, queued, started, finished);
    }

    /**
     * What a hygiene email would ask of a user with these stored credentials; empty: nothing. Pure logic.
     * A second factor is any allowed factor but a {@link Factor#fallback} (recovery codes).
     */
    static List<String> asks(List<HygieneStore.Credential> creds, RealmSettings rs, long now) {
        List<String> out = new ArrayList<>(2);
        if (rs.hygiene().mfaNudges()) {
            Set<String> factorTypes = new HashSet<>();
            for (String key : rs.allowedFactors()) {
                Factor.byKey(key).filter(f -> !f.fallback).ifPresent(f -> factorTypes.add(f.credentialType));
            }
            if (creds.stream().noneMatch(c -> factorTypes.contains(c.type()))) {
                out.add(Nudge.MFA);
            }
        }
        int age = rs.hygiene().passwordAgeDays();
        if (age > 0) {
            long before = now - age * Schedule.DAY;
            boolean old = creds.stream().anyMatch(c -> PasswordCredentialModel.TYPE.equals(c.type()) && c.createdAt() != null && c.createdAt() < before);
            if (old) {
                out.add(Nudge.PASSWORD_AGE);
            }
        }
        return out;
    }
}
