package dev.breachresponse.keycloak.api.jobs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.UserStorageProvider;

import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.IncidentStore.StoredUser;
import dev.breachresponse.keycloak.incident.JobItem;
import dev.breachresponse.keycloak.support.SessionRevoker.Target;

/**
 * Finds the users a chunk's subjects name. Users kept in Keycloak's own user table are read with one query per
 * kind of subject (email, username, id) instead of one Keycloak look-up each, which loaded and cached every user
 * with its attributes and required actions (several statements per user). Everything Keycloak's user look-up
 * would treat differently still goes through it, one subject at a time, exactly as before:
 * <ul>
 * <li>a row linked to a user federation provider (imported LDAP users: Keycloak validates them against the
 * directory);</li>
 * <li>a subject without a row, when the realm has a user federation provider (the directory may know it);</li>
 * <li>an id without a row (federated ids, transient users).</li>
 * </ul>
 * Matching follows Keycloak's: emails and usernames compared in lower case, several users of the realm sharing
 * the email make the subject ambiguous.
 */
final class SubjectResolver {

    /** Where a subject's answer comes from. */
    enum Route { STORED, KEYCLOAK, NOT_FOUND, AMBIGUOUS }

    /** The outcome for one subject: a user (stored row or Keycloak's model), none, or several. */
    record Found(Route route, Target user) {
    }

    private SubjectResolver() {
    }

    /** Pure: what the stored rows matching one subject mean. */
    static Route route(String subjectType, List<StoredUser> rows, boolean federation) {
        if (rows.size() > 1) {
            return Route.AMBIGUOUS;
        }
        if (rows.size() == 1) {
            return rows.get(0).federationLink() == null ? Route.STORED : Route.KEYCLOAK;
        }
        return federation || "ID".equals(subjectType) ? Route.KEYCLOAK : Route.NOT_FOUND;
    }

    /** Keycloak stores emails and usernames in lower case and compares them so; ids are taken as given. */
    static String key(String subjectType, String subject) {
        return "ID".equals(subjectType) ? subject : subject.toLowerCase();
    }

    /** @return by item sequence number, what each of {@code items} names */
    static Map<Integer, Found> resolve(KeycloakSession session, RealmModel realm, List<JobItem> items) {
        IncidentStore store = session.getProvider(IncidentStore.class);
        boolean federation = realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName()).findAny().isPresent();
        Map<String, Set<String>> wanted = new HashMap<>();
        for (JobItem item : items) {
            wanted.computeIfAbsent(item.subjectType(), t -> new LinkedHashSet<>()).add(key(item.subjectType(), item.subject()));
        }
        Map<String, Map<String, List<StoredUser>>> rows = new HashMap<>();
        wanted.forEach((type, values) -> {
            Map<String, List<StoredUser>> byValue = new HashMap<>();
            for (StoredUser u : store.storedUsers(realm.getId(), type, values)) {
                String v = switch (type) {
                    case "EMAIL" -> u.email();
                    case "USERNAME" -> u.username();
                    default -> u.id();
                };
                byValue.computeIfAbsent(v, k -> new ArrayList<>(1)).add(u);
            }
            rows.put(type, byValue);
        });
        Map<Integer, Found> out = new HashMap<>();
        for (JobItem item : items) {
            List<StoredUser> matches = rows.get(item.subjectType()).getOrDefault(key(item.subjectType(), item.subject()), List.of());
            Route route = route(item.subjectType(), matches, federation);
            out.put(item.seq(), switch (route) {
                case STORED -> {
                    StoredUser u = matches.get(0);
                    yield u.serviceAccount() ? new Found(Route.NOT_FOUND, null) : new Found(route, new Target(u.id(), u.username(), u.email(), null));
                }
                case KEYCLOAK -> keycloakLookup(session, realm, item);
                default -> new Found(route, null);
            });
        }
        return out;
    }

    private static Found keycloakLookup(KeycloakSession session, RealmModel realm, JobItem item) {
        UserModel user;
        try {
            user = switch (item.subjectType()) {
                case "EMAIL" -> session.users().getUserByEmail(realm, item.subject());
                case "USERNAME" -> session.users().getUserByUsername(realm, item.subject());
                case "ID" -> session.users().getUserById(realm, item.subject());
                default -> null;
            };
        } catch (ModelDuplicateException e) {
            return new Found(Route.AMBIGUOUS, null);
        }
        if (user == null || user.getServiceAccountClientLink() != null) {
            return new Found(Route.NOT_FOUND, null);
        }
        return new Found(Route.KEYCLOAK, Target.of(user));
    }
}
