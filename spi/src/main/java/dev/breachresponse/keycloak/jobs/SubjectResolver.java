package dev.breachresponse.keycloak.jobs;

import dev.breachresponse.keycloak.incident.SubjectType;
import java.util.ArrayList;
import java.util.EnumMap;
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
import dev.breachresponse.keycloak.revocation.SessionRevoker.Target;

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
 * the email make the subject ambiguous. An entry that gave several identifiers (CSV columns username and email,
 * say) has each looked up the same way; {@link #combine} decides what they say together.
 */
final class SubjectResolver {

    /**
     * Where a subject's answer comes from; CONFLICT only for an item's identifiers together ({@link #combine}).
     */
    enum Route { STORED, KEYCLOAK, NOT_FOUND, AMBIGUOUS, CONFLICT }

    /** The outcome for one identifier (or, combined, one item): a user (stored row or Keycloak's model), none, or several. */
    record Found(Route route, Target user) {
    }

    private SubjectResolver() {
    }

    /** Pure: what the stored rows matching one subject mean. */
    static Route route(SubjectType subjectType, List<StoredUser> rows, boolean federation) {
        if (rows.size() > 1) {
            return Route.AMBIGUOUS;
        }
        if (rows.size() == 1) {
            return rows.get(0).federationLink() == null ? Route.STORED : Route.KEYCLOAK;
        }
        return federation || subjectType == SubjectType.ID ? Route.KEYCLOAK : Route.NOT_FOUND;
    }

    /** Keycloak stores emails and usernames in lower case and compares them so; ids are taken as given. */
    static String key(SubjectType subjectType, String subject) {
        return subjectType == SubjectType.ID ? subject : subject.toLowerCase();
    }

    /** An item's identifiers in precedence order: its subject, then the other identifiers the entry gave. */
    record Identifier(SubjectType type, String value) {
    }

    static List<Identifier> identifiers(JobItem item) {
        Map<SubjectType, String> also = Subject.decodeAlso(item.also());
        List<Identifier> out = new ArrayList<>(1 + also.size());
        out.add(new Identifier(item.subjectType(), item.subject()));
        also.forEach((t, v) -> out.add(new Identifier(t, v)));
        return out;
    }

    /**
     * Pure: what an item's identifiers say together, given what each names (each already NOT_FOUND where the
     * submitter may not manage the user, so the verdict depends on visible users only). An identifier matching
     * several users makes the item AMBIGUOUS; identifiers naming two different users make it CONFLICT; those
     * naming nobody are passed over; else the one user named, or NOT_FOUND.
     */
    static Found combine(List<Found> each) {
        Found one = null;
        boolean conflict = false;
        for (Found f : each) {
            if (f.route() == Route.AMBIGUOUS) {
                return f;
            }
            if (f.user() != null) {
                if (one == null) {
                    one = f;
                } else if (!one.user().id().equals(f.user().id())) {
                    conflict = true;
                }
            }
        }
        if (conflict) {
            return new Found(Route.CONFLICT, null);
        }
        return one != null ? one : new Found(Route.NOT_FOUND, null);
    }

    /**
     * @return by item sequence number, what each identifier of the item names (in the order of
     *         {@link #identifiers}): a user, nobody (NOT_FOUND) or several users (AMBIGUOUS)
     */
    static Map<Integer, List<Found>> resolve(KeycloakSession session, RealmModel realm, List<JobItem> items) {
        IncidentStore store = session.getProvider(IncidentStore.class);
        boolean federation = realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName()).findAny().isPresent();
        Map<Integer, List<Identifier>> byItem = new HashMap<>();
        Map<SubjectType, Set<String>> wanted = new EnumMap<>(SubjectType.class);
        for (JobItem item : items) {
            List<Identifier> ids = identifiers(item);
            byItem.put(item.seq(), ids);
            for (Identifier i : ids) {
                wanted.computeIfAbsent(i.type(), t -> new LinkedHashSet<>()).add(key(i.type(), i.value()));
            }
        }
        Map<SubjectType, Map<String, List<StoredUser>>> rows = new EnumMap<>(SubjectType.class);
        wanted.forEach((type, values) -> {
            Map<String, List<StoredUser>> byValue = new HashMap<>();
            for (StoredUser u : store.storedUsers(realm.getId(), type, values)) {
                String v = switch (type) {
                    case EMAIL -> u.email();
                    case USERNAME -> u.username();
                    case ID -> u.id();
                };
                byValue.computeIfAbsent(v, k -> new ArrayList<>(1)).add(u);
            }
            rows.put(type, byValue);
        });
        Map<Integer, List<Found>> out = new HashMap<>();
        for (JobItem item : items) {
            List<Identifier> ids = byItem.get(item.seq());
            List<Found> each = new ArrayList<>(ids.size());
            for (Identifier i : ids) {
                List<StoredUser> matches = rows.get(i.type()).getOrDefault(key(i.type(), i.value()), List.of());
                Route route = route(i.type(), matches, federation);
                each.add(switch (route) {
                    case STORED -> {
                        StoredUser u = matches.get(0);
                        yield u.serviceAccount() ? new Found(Route.NOT_FOUND, null) : new Found(route, new Target(u.id(), u.username(), u.email(), null));
                    }
                    case KEYCLOAK -> keycloakLookup(session, realm, i);
                    default -> new Found(route, null);
                });
            }
            out.put(item.seq(), each);
        }
        return out;
    }

    private static Found keycloakLookup(KeycloakSession session, RealmModel realm, Identifier item) {
        UserModel user;
        try {
            user = switch (item.type()) {
                case EMAIL -> session.users().getUserByEmail(realm, item.value());
                case USERNAME -> session.users().getUserByUsername(realm, item.value());
                case ID -> session.users().getUserById(realm, item.value());
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
