package dev.breachresponse.keycloak.ssf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import com.fasterxml.jackson.databind.JsonNode;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.BreachResourceType;
import dev.breachresponse.keycloak.incident.Flagging;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.Remediation;
import dev.breachresponse.keycloak.incident.SsfReceivers;
import dev.breachresponse.keycloak.incident.SsfReceivers.Outcome;
import dev.breachresponse.keycloak.incident.StandingIncidents;
import dev.breachresponse.keycloak.incident.SystemAdminEvents;
import dev.breachresponse.keycloak.incident.WebhookEvent;
import dev.breachresponse.keycloak.revocation.SessionRevoker;

/**
 * What a verified SET does in the realm (docs/ssf.md, "Events"): RISC {@code credential-compromise} and
 * {@code account-credential-change-required} flag the user in the receiver's incident (the flagging service: history
 * with actor {@code ssf:<alias>}, sessions revoked as the policy says); RISC {@code account-disabled} with reason
 * {@code hijacking} flags, revokes every session and disables the account when the receiver says so; CAEP
 * {@code session-revoked} ends the named session (a complex subject's upstream session) or all of the user's; CAEP
 * {@code credential-change} deleting or revoking a factor re-evaluates the user's flags (a stepped-up flag of a user
 * left without a factor opens again); an upstream password change is recorded only (it is not the local password
 * change a flag asks for). Verification and stream-updated events update the stream. Every APPLIED event writes an
 * admin event {@code BREACH_SSF_EVENT} and the webhook event {@code ssf.applied}. Runs in the caller's transaction.
 */
final class EventActions {

    /** What the event did: the outcome, the user it matched (or null) and a short detail for the log. */
    record Result(Outcome outcome, String userId, String detail) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final SsfReceivers.Receiver receiver;
    private final SsfReceivers store;

    EventActions(KeycloakSession session, RealmModel realm, SsfReceivers.Receiver receiver) {
        this.session = session;
        this.realm = realm;
        this.receiver = receiver;
        this.store = session.getProvider(IncidentStore.class).ssf();
    }

    Result apply(VerifiedSet set) {
        String type = set.eventType();
        if (SsfEventTypes.VERIFICATION.equals(type)) {
            return verification(set.event());
        }
        if (SsfEventTypes.STREAM_UPDATED.equals(type)) {
            String status = text(set.event(), "status");
            if (status == null || !List.of("enabled", "paused", "disabled").contains(status)) {
                return new Result(Outcome.RECORDED, null, "stream-updated without a known status");
            }
            store.streamStatus(receiver.id(), status);
            return new Result(Outcome.RECORDED, null, "stream " + status);
        }
        if (!SsfEventTypes.known(type)) {
            return new Result(Outcome.IGNORED, null, "event type not known here");
        }
        SubjectMapper.Match m = new SubjectMapper(session, realm, receiver.settings().subjects(), receiver.settings().issuer()).map(set.subject());
        Result unmatched = unmatched(m);
        if (unmatched != null) {
            return unmatched;
        }
        UserModel user = m.user();
        Result r = act(set, m, user);
        if (r.outcome() == Outcome.APPLIED) {
            announce(set, user, r.detail());
        }
        return r;
    }

    /**
     * Applies a receiver's SETs in the order given, with the effects {@link #apply} has one by one, but each run of
     * consecutive flagging events (RISC {@code credential-compromise}, {@code account-credential-change-required}) as
     * one batch: subjects mapped, then {@link Flagging#flagAll} per cause (the set-based writer of the bulk path), the
     * newly flagged users' sessions revoked in one call when the policy says so. A user whose flag was dismissed or
     * remediated is flagged again one by one, as {@link #apply} does; a user named twice is flagged once (the second
     * event RECORDED). Returns one result per SET, in that order.
     */
    List<Result> applyAll(List<VerifiedSet> sets) {
        Result[] out = new Result[sets.size()];
        List<Integer> run = new ArrayList<>();
        for (int i = 0; i < sets.size(); i++) {
            if (flags(sets.get(i).eventType())) {
                run.add(i);
                continue;
            }
            flagRun(sets, run, out);
            run.clear();
            out[i] = apply(sets.get(i));
        }
        flagRun(sets, run, out);
        return Arrays.asList(out);
    }

    private static boolean flags(String type) {
        return SsfEventTypes.CREDENTIAL_COMPROMISE.equals(type) || SsfEventTypes.CREDENTIAL_CHANGE_REQUIRED.equals(type);
    }

    private void flagRun(List<VerifiedSet> sets, List<Integer> run, Result[] out) {
        if (run.size() < 2) {
            run.forEach(i -> out[i] = apply(sets.get(i)));
            return;
        }
        SubjectMapper mapper = new SubjectMapper(session, realm, receiver.settings().subjects(), receiver.settings().issuer());
        // only a user's first SET of the run can flag (with its own cause); a later one finds the flag it left
        Map<String, List<Integer>> byCause = new LinkedHashMap<>();
        Map<Integer, UserModel> users = new HashMap<>();
        List<Integer> later = new ArrayList<>();
        Set<String> named = new HashSet<>();
        // look-ups of Keycloak's users, which nothing this batch wrote can change
        List<SubjectMapper.Match> matches = store.readOnly(() -> run.stream().map(i -> mapper.map(sets.get(i).subject())).toList());
        for (int k = 0; k < run.size(); k++) {
            int i = run.get(k);
            SubjectMapper.Match m = matches.get(k);
            out[i] = unmatched(m);
            if (out[i] != null) {
                continue;
            }
            users.put(i, m.user());
            if (named.add(m.user().getId())) {
                byCause.computeIfAbsent(cause(sets.get(i)), c -> new ArrayList<>()).add(i);
            } else {
                later.add(i);
            }
        }
        if (users.isEmpty()) {
            return;
        }
        String incidentId = receiver.settings().incidentId();
        Optional<Incident> incident = StandingIncidents.signals(session, realm, receiver.actor(), incidentId, receiver.settings().alias());
        if (incident.isEmpty()) {
            users.forEach((i, u) -> out[i] = new Result(Outcome.RECORDED, u.getId(), "incident " + incidentId + " is closed: not flagged"));
            return;
        }
        Map<String, SessionRevoker.Target> targets = new HashMap<>();
        users.values().forEach(u -> targets.put(u.getId(), SessionRevoker.Target.of(u)));
        Flagging flagging = new Flagging(session, realm, ids -> SessionRevoker.revokeAll(session, realm, ids.stream().map(targets::get).toList()));
        for (Map.Entry<String, List<Integer>> e : byCause.entrySet()) {
            List<String> ids = e.getValue().stream().map(i -> users.get(i).getId()).toList();
            Flagging.Batch batch = flagging.flagAll(incident.get(), ids, receiver.actor(), e.getKey());
            for (int i : e.getValue()) {
                UserModel user = users.get(i);
                FlagState before = batch.before().get(user.getId());
                if (before == null) {
                    out[i] = new Result(Outcome.APPLIED, user.getId(), "flagged in " + incidentId);
                } else if (!FlagState.OPEN.contains(before)) {
                    out[i] = flag(user, e.getKey(), false); // dismissed or remediated: flagged again, as one event would be
                } else {
                    out[i] = new Result(Outcome.RECORDED, user.getId(), "already flagged in " + incidentId);
                }
                if (out[i].outcome() == Outcome.APPLIED) {
                    announce(sets.get(i), user, out[i].detail());
                }
            }
        }
        later.forEach(i -> out[i] = new Result(Outcome.RECORDED, users.get(i).getId(), "already flagged in " + incidentId));
    }

    /** NOT_FOUND or AMBIGUOUS for a subject that named no user or several (nobody acted on), else null. */
    private static Result unmatched(SubjectMapper.Match m) {
        return switch (m.kind()) {
            case NOT_FOUND -> new Result(Outcome.NOT_FOUND, null, m.detail());
            case AMBIGUOUS -> new Result(Outcome.AMBIGUOUS, null, m.detail());
            default -> null;
        };
    }

    /** The history cause of a flagging event: {@code ssf <type label>}, with the credential type when given. */
    private static String cause(VerifiedSet set) {
        String credential = text(set.event(), "credential_type");
        return "ssf " + SsfEventTypes.label(set.eventType()) + (credential == null ? "" : " (" + credential + ")");
    }

    private Result act(VerifiedSet set, SubjectMapper.Match m, UserModel user) {
        String type = set.eventType();
        String label = SsfEventTypes.label(type);
        if (flags(type)) {
            return flag(user, cause(set), false);
        }
        if (SsfEventTypes.ACCOUNT_DISABLED.equals(type)) {
            if (!"hijacking".equals(text(set.event(), "reason"))) {
                return new Result(Outcome.RECORDED, user.getId(), "account-disabled without reason hijacking");
            }
            return flag(user, "ssf account-disabled (hijacking)", true);
        }
        if (SsfEventTypes.SESSION_REVOKED.equals(type)) {
            if (m.session() != null) {
                SessionRevoker.revokeSession(session, realm, user, m.session());
                return new Result(Outcome.APPLIED, user.getId(), "the named session revoked");
            }
            int n = SessionRevoker.revoke(session, realm, user);
            return new Result(Outcome.APPLIED, user.getId(), n + " sessions revoked");
        }
        if (SsfEventTypes.CREDENTIAL_CHANGE.equals(type)) {
            String change = Optional.ofNullable(text(set.event(), "change_type")).orElse("").toLowerCase(Locale.ROOT);
            String credential = Optional.ofNullable(text(set.event(), "credential_type")).orElse("credential");
            if ("delete".equals(change) || "revoke".equals(change)) {
                int reopened = Remediation.reopenIfNoFactor(session, realm, user, "ssf credential-change: " + credential + " " + change,
                        receiver.actor());
                return new Result(reopened > 0 ? Outcome.APPLIED : Outcome.RECORDED, user.getId(), "flags re-evaluated, " + reopened + " re-opened");
            }
            return new Result(Outcome.RECORDED, user.getId(), "credential-change " + change + " " + credential + " recorded");
        }
        return new Result(Outcome.RECORDED, user.getId(), label + " recorded");
    }

    private Result flag(UserModel user, String cause, boolean hijacked) {
        Actor actor = receiver.actor();
        String incidentId = receiver.settings().incidentId();
        Flagging.Revocation revocation = SessionRevoker.byId(session, realm);
        Optional<Incident> incident = StandingIncidents.signals(session, realm, actor, incidentId, receiver.settings().alias());
        int revoked = 0;
        String detail;
        if (incident.isPresent()) {
            Flagging.Flagged f = new Flagging(session, realm, revocation).flag(incident.get(), user.getId(), actor, cause);
            revoked = f.sessionsRevoked();
            if (f.result().outcome() == IncidentStore.FlagOutcome.ALREADY_FLAGGED && !hijacked) {
                return new Result(Outcome.RECORDED, user.getId(), "already flagged in " + incidentId);
            }
            detail = f.result().outcome() == IncidentStore.FlagOutcome.ALREADY_FLAGGED ? "already flagged in " + incidentId
                    : "flagged in " + incidentId;
        } else if (!hijacked) {
            return new Result(Outcome.RECORDED, user.getId(), "incident " + incidentId + " is closed: not flagged");
        } else {
            detail = "incident " + incidentId + " is closed: not flagged";
        }
        if (hijacked) {
            if (revoked == 0) {
                revocation.revoke(List.of(user.getId()));
            }
            detail += ", sessions revoked";
            if (receiver.settings().disableOnHijacking() && user.isEnabled()) {
                user.setEnabled(false);
                detail += ", account disabled";
            }
        }
        return new Result(Outcome.APPLIED, user.getId(), detail);
    }

    private Result verification(JsonNode event) {
        String state = text(event, "state");
        String pending = receiver.verifyState();
        if (pending != null && !pending.equals(state)) {
            return new Result(Outcome.VERIFIED, null, "state does not match the pending verification request: not verified");
        }
        store.verified(receiver.id(), Time.currentTimeMillis());
        return new Result(Outcome.VERIFIED, null, pending != null && pending.equals(state) ? "verification answered" : "unsolicited verification");
    }

    private void announce(VerifiedSet set, UserModel user, String detail) {
        Map<String, Object> representation = new LinkedHashMap<>();
        representation.put("receiverId", receiver.id());
        representation.put("receiver", receiver.settings().alias());
        representation.put("eventType", set.eventType());
        representation.put("jti", set.jti());
        representation.put("userId", user.getId());
        representation.put("action", detail);
        SystemAdminEvents.emit(session, realm, BreachResourceType.BREACH_SSF_EVENT,
                "breach-response/ssf/receivers/" + receiver.id() + "/events", representation, "breach-response-ssf");
        Map<String, Object> data = new LinkedHashMap<>(representation);
        data.remove("userId");
        session.getProvider(IncidentStore.class).webhooks().signal(realm, WebhookEvent.SSF_APPLIED, user.getId(), data);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() && v.asText().length() <= 255 ? v.asText() : null;
    }
}
