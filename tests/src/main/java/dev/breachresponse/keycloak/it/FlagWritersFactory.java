package dev.breachresponse.keycloak.it;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.Config;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.Flagging;
import dev.breachresponse.keycloak.incident.IllegalTransitionException;
import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.Remediation;
import dev.breachresponse.keycloak.revocation.SessionRevoker;

/**
 * TEST ONLY, never shipped: {@code POST /realms/{realm}/br-test-writers/incidents/{key}/users/{userId}/{writer}}
 * calls, on that user's flag, the store method (or flagging-service method) that one writer of the product calls,
 * so a test can drive writers that are costly to reach through a real login into a move of its choosing:
 * {@code step-up} (login step-up: {@code recordStepUp}), {@code step-up-remediate} and
 * {@code step-up-remediate-password} (a login's step-up and remediation in one locked write:
 * {@code recordStepUpAndRemediate}, the latter with a password change required), {@code remediate} (login remediation:
 * {@code transition} to REMEDIATED), {@code reopen} (re-open on factor removal: {@code transition} to FLAGGED with
 * cause factor-removed), {@code escalate} (deadline escalation: {@code Flagging.escalate}), {@code grace-skip},
 * {@code password-changed}. Answers 200 {@code {"state": …}} with the flag's state after the call, 409 when the
 * store refused the move (IllegalTransitionException), 404 when there is no such flag.
 */
public final class FlagWritersFactory implements RealmResourceProviderFactory {

    public static final String ID = "br-test-writers";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new Resource(session);
            }

            @Override
            public void close() {
            }
        };
    }

    public static final class Resource {
        private final KeycloakSession session;

        Resource(KeycloakSession session) {
            this.session = session;
        }

        @POST
        @Path("incidents/{key}/users/{userId}/{writer}")
        @Produces(MediaType.APPLICATION_JSON)
        public Response write(@PathParam("key") String keyParam, @PathParam("userId") String userId, @PathParam("writer") String writer) {
            RealmModel realm = session.getContext().getRealm();
            IncidentStore store = session.getProvider(IncidentStore.class);
            IncidentKey key = new IncidentKey(keyParam);
            Incident incident = store.findIncident(realm, key).orElseThrow(NotFoundException::new);
            Flag flag = store.findFlag(realm, key, userId).orElseThrow(NotFoundException::new);
            Actor user = Actor.user(userId);
            Flag after;
            try {
                after = switch (writer) {
                    case "step-up" -> store.recordStepUp(realm, flag.id(), "otp", false, user);
                    case "step-up-remediate" -> store.recordStepUpAndRemediate(realm, flag.id(), "otp", false, false, user, Remediation.CAUSE_LOGIN);
                    case "step-up-remediate-password" ->
                            store.recordStepUpAndRemediate(realm, flag.id(), "otp", false, true, user, Remediation.CAUSE_LOGIN);
                    case "remediate" -> store.transition(realm, flag.id(), FlagState.REMEDIATED, user, Remediation.CAUSE_LOGIN, "factor otp");
                    case "reopen" -> store.transition(realm, flag.id(), FlagState.FLAGGED, user, Remediation.CAUSE_FACTOR_REMOVED, "otp");
                    case "escalate" -> {
                        new Flagging(session, realm, SessionRevoker.byId(session, realm)).escalate(flag, incident.policy(), "CONFIGURE_TOTP");
                        yield store.findFlag(realm, key, userId).orElseThrow();
                    }
                    case "grace-skip" -> store.recordGraceSkip(realm, flag.id(), user);
                    case "password-changed" -> store.recordPasswordChange(realm, flag.id(), Time.currentTimeMillis(), user);
                    default -> throw new NotFoundException();
                };
            } catch (IllegalTransitionException refused) {
                return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(Map.of("error", "illegal_transition", "from", refused.from().name(), "to", refused.to().name())).build();
            }
            return Response.ok(Map.of("state", after.state().name(), "escalatedActions", List.copyOf(after.escalatedActions())),
                    MediaType.APPLICATION_JSON_TYPE).build();
        }
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }
}
