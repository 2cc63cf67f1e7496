package dev.breachresponse.keycloak.ssf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

import com.fasterxml.jackson.databind.JsonNode;

import dev.breachresponse.keycloak.incident.SsfReceivers;

/**
 * Maps a SET's subject (RFC 9493 subject identifiers; SSF 1.0 §3.3 complex subjects) to users of the realm, as the
 * receiver's {@link SsfReceivers.SubjectMapping} says: {@code email} (exact, case-insensitive as Keycloak stores it),
 * {@code iss_sub} (a user attribute, else the link of an identity provider whose configured issuer is {@code iss}),
 * {@code opaque} (a user attribute), {@code aliases} (every identifier must point at the same user; at most
 * {@value #MAX_ALIASES}, none nested), {@code complex} ({@code user} names the user; {@code session} an upstream
 * session, found through the broker session ids of the issuer's identity providers). Other formats match nobody. Never
 * creates a user; two users behind one subject is {@code AMBIGUOUS}.
 */
final class SubjectMapper {

    static final int MAX_ALIASES = 20;

    enum Kind { MATCHED, NOT_FOUND, AMBIGUOUS }

    /** The users a subject names (one when MATCHED) and, for a complex subject, the session it names (null if none found). */
    record Match(Kind kind, UserModel user, UserSessionModel session, String detail) {

        static Match notFound(String detail) {
            return new Match(Kind.NOT_FOUND, null, null, detail);
        }

        static Match ambiguous() {
            return new Match(Kind.AMBIGUOUS, null, null, "the subject matches more than one user");
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final SsfReceivers.SubjectMapping mapping;
    private final String transmitterIssuer;

    SubjectMapper(KeycloakSession session, RealmModel realm, SsfReceivers.SubjectMapping mapping, String transmitterIssuer) {
        this.session = session;
        this.realm = realm;
        this.mapping = mapping;
        this.transmitterIssuer = transmitterIssuer;
    }

    Match map(JsonNode subject) {
        if (subject == null) {
            return Match.notFound("the SET names no subject");
        }
        String format = text(subject, "format");
        if ("complex".equals(format)) {
            JsonNode user = subject.get("user");
            if (user == null || !user.isObject()) {
                return Match.notFound("a complex subject without a user member");
            }
            Match m = simple(user, true);
            if (m.kind() != Kind.MATCHED) {
                return m;
            }
            JsonNode s = subject.get("session");
            return new Match(Kind.MATCHED, m.user(), s != null && s.isObject() ? brokeredSession(m.user(), s) : null, m.detail());
        }
        return simple(subject, true);
    }

    private Match simple(JsonNode subject, boolean aliasesAllowed) {
        String format = text(subject, "format");
        if (format == null) {
            return Match.notFound("the subject has no format");
        }
        switch (format) {
            case "email": {
                String email = text(subject, "email");
                if (email == null || !mapping.email()) {
                    return Match.notFound(email == null ? "an email subject without email" : "email subjects are not mapped");
                }
                UserModel byEmail;
                try {
                    // Keycloak's exact look-up by its email index (a search would build a criteria query per call)
                    byEmail = session.users().getUserByEmail(realm, email);
                } catch (ModelDuplicateException e) {
                    return Match.ambiguous(); // the realm allows duplicate emails and two users share this one
                }
                return byEmail == null ? Match.notFound("no user matches (email)") : new Match(Kind.MATCHED, byEmail, null, "email");
            }
            case "iss_sub": {
                String iss = text(subject, "iss");
                String sub = text(subject, "sub");
                if (iss == null || sub == null) {
                    return Match.notFound("an iss_sub subject needs iss and sub");
                }
                if (!iss.equals(transmitterIssuer)) {
                    // a transmitter names only its own users: never those of another identity provider
                    return Match.notFound("iss_sub of another issuer than the transmitter");
                }
                if (mapping.issSubAttribute() != null) {
                    return of(session.users().searchForUserByUserAttributeStream(realm, mapping.issSubAttribute(), sub).limit(2), "attribute");
                }
                Map<String, UserModel> found = new LinkedHashMap<>();
                providersOf(iss).forEach(idp -> {
                    UserModel u = session.users().getUserByFederatedIdentity(realm, new FederatedIdentityModel(idp.getAlias(), sub, null));
                    if (u != null) {
                        found.put(u.getId(), u);
                    }
                });
                return of(found.values().stream(), "identity-provider link");
            }
            case "opaque": {
                String id = text(subject, "id");
                if (id == null || mapping.opaqueAttribute() == null) {
                    return Match.notFound(id == null ? "an opaque subject without id" : "opaque subjects are not mapped");
                }
                return of(session.users().searchForUserByUserAttributeStream(realm, mapping.opaqueAttribute(), id).limit(2), "attribute");
            }
            case "aliases": {
                JsonNode ids = subject.get("identifiers");
                if (!aliasesAllowed || ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > MAX_ALIASES) {
                    return Match.notFound("aliases must hold 1 to " + MAX_ALIASES + " identifiers, none of them aliases");
                }
                UserModel one = null;
                for (JsonNode id : ids) {
                    if (!id.isObject()) {
                        return Match.notFound("an alias is not a subject identifier");
                    }
                    Match m = simple(id, false);
                    if (m.kind() == Kind.AMBIGUOUS) {
                        return m;
                    }
                    if (m.kind() == Kind.MATCHED) {
                        if (one != null && !one.getId().equals(m.user().getId())) {
                            return Match.ambiguous();
                        }
                        one = m.user();
                    }
                }
                return one == null ? Match.notFound("no alias matches a user") : new Match(Kind.MATCHED, one, null, "aliases");
            }
            default:
                return Match.notFound("subject format " + format + " is not mapped");
        }
    }

    /**
     * The user's session that the upstream session id names: Keycloak keeps {@code <idp alias>.<upstream sid>} as the
     * broker session id of a session that came through that identity provider.
     */
    private UserSessionModel brokeredSession(UserModel user, JsonNode sessionId) {
        String sid = text(sessionId, "id");
        if (sid == null) {
            sid = text(sessionId, "sid");
        }
        if (sid == null) {
            return null;
        }
        String upstream = sid;
        return providersOf(transmitterIssuer)
                .map(idp -> session.sessions().getUserSessionByBrokerSessionId(realm, idp.getAlias() + "." + upstream))
                .filter(s -> s != null && s.getUser() != null && s.getUser().getId().equals(user.getId()))
                .findFirst().orElse(null);
    }

    private Stream<IdentityProviderModel> providersOf(String issuer) {
        return session.identityProviders().getAllStream()
                .filter(idp -> idp.getConfig() != null && issuer.equals(idp.getConfig().get("issuer")));
    }

    private static Match of(Stream<UserModel> users, String how) {
        List<UserModel> list = users.limit(2).toList();
        if (list.isEmpty()) {
            return Match.notFound("no user matches (" + how + ")");
        }
        return list.size() > 1 ? Match.ambiguous() : new Match(Kind.MATCHED, list.get(0), null, how);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() && v.asText().length() <= 1024 ? v.asText() : null;
    }
}
