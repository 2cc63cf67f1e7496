package dev.breachresponse.keycloak.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.OutboxState;
import dev.breachresponse.keycloak.incident.LogoutOutbox;

/**
 * {@code /logouts}: the back-channel logouts owed to clients (GET, view-users).
 */
public final class LogoutsResource {

    private final AdminContext ctx;
    private final KeycloakSession session;

    LogoutsResource(AdminContext ctx) {
        this.ctx = ctx;
        this.session = ctx.session();
    }

    /**
     * Back-channel logouts owed to clients after revocations (bulk jobs, single flags, escalation): counts per
     * state and a page of rows, newest first. FAILED rows are retried on the job poll (after 1, 4, 9 and 16
     * minutes); a row still FAILED after its last attempt stays so until purged with the job items.
     */
    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response logouts(@QueryParam("state") String state, @QueryParam("first") Integer first,
                            @QueryParam("max") Integer max) {
        return Api.respond(session, () -> {
            ctx.auth().users().requireView();
            OutboxState s = Api.outboxState(state);
            LogoutOutbox outbox = ctx.store().logouts();
            ObjectNode out = Json.object();
            ObjectNode counts = out.putObject("counts");
            outbox.counts(ctx.realm().getId()).forEach((k, v) -> counts.put(k.name(), v));
            ArrayNode items = out.putArray("logouts");
            outbox.list(ctx.realm().getId(), s, Api.first(first), Api.max(max, 100, 1000)).forEach(e -> {
                ClientModel c = ctx.realm().getClientById(e.clientId());
                items.add(Json.logout(e, c == null ? null : c.getClientId()));
            });
            return Response.ok(out.toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }
}
