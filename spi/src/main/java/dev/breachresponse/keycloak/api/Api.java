package dev.breachresponse.keycloak.api;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.OutboxState;
import dev.breachresponse.keycloak.jobs.BodyRejected;
import dev.breachresponse.keycloak.jobs.JobIntake;
import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.IllegalTransitionException;

/**
 * Shared plumbing of the admin API: every endpoint runs through {@link #respond}, which turns refusals into
 * the documented JSON error and marks the transaction rollback-only so nothing is half-written.
 */
final class Api {

    private static final Logger LOG = Logger.getLogger(Api.class);

    /** Small JSON bodies (incident create/update). Bulk flag bodies are streamed elsewhere. */
    static final int MAX_SMALL_BODY_BYTES = 64 * 1024;

    /** The {@code state} value that selects the open flags (FLAGGED and STEPPED_UP). */
    static final String OPEN_STATES = "open";

    /** Longest {@code q} (username or email prefix) a flag listing takes. */
    static final int MAX_PREFIX = 100;

    static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    static {
        STRICT.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(20).build());
    }

    private Api() {
    }

    static Response respond(KeycloakSession session, Supplier<Response> action) {
        try {
            return action.get();
        } catch (ApiException e) {
            session.getTransactionManager().setRollbackOnly();
            Response r = error(e.status(), e.code(), e.getMessage());
            return e.retryAfterSeconds() == null ? r
                    : Response.fromResponse(r).header("Retry-After", e.retryAfterSeconds()).build();
        } catch (ForbiddenException e) {
            session.getTransactionManager().setRollbackOnly();
            return error(403, "forbidden", "The caller lacks the permission this operation needs");
        } catch (NotAuthorizedException e) {
            session.getTransactionManager().setRollbackOnly();
            return error(401, "unauthorized", "A valid bearer token is required");
        } catch (BodyRejected e) {
            session.getTransactionManager().setRollbackOnly();
            return e.tooLarge() ? error(413, "payload_too_large", e.getMessage()) : error(400, "invalid_request", e.getMessage());
        } catch (JobIntake.KeyReused e) {
            session.getTransactionManager().setRollbackOnly();
            return error(422, "idempotency_key_reused", e.getMessage());
        } catch (PersistenceException e) {
            session.getTransactionManager().setRollbackOnly();
            if (isConstraintViolation(e)) {
                return error(409, "conflict", "A concurrent request changed the same data; retry");
            }
            throw e;
        } catch (IllegalTransitionException e) {
            session.getTransactionManager().setRollbackOnly();
            return error(409, "illegal_transition", e.getMessage());
        }
    }

    private static boolean isConstraintViolation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConstraintViolationException || c instanceof SQLIntegrityConstraintViolationException) {
                return true;
            }
        }
        return false;
    }

    static Response error(int status, String code, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", code, "message", message))
                .build();
    }

    /** Reads a small JSON object body, refusing anything else with a clear 4xx. */
    static JsonNode readSmallJson(InputStream body) {
        if (body == null) {
            throw ApiException.badRequest("A JSON object body is required");
        }
        byte[] bytes;
        try {
            bytes = body.readNBytes(MAX_SMALL_BODY_BYTES + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("The request body could not be read");
        }
        if (bytes.length > MAX_SMALL_BODY_BYTES) {
            throw new ApiException(413, "payload_too_large", "The body exceeds " + MAX_SMALL_BODY_BYTES + " bytes");
        }
        if (bytes.length == 0) {
            throw ApiException.badRequest("A JSON object body is required");
        }
        JsonNode node;
        try {
            node = STRICT.readTree(bytes);
        } catch (IOException e) {
            throw ApiException.badRequest("The body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("The body must be a JSON object");
        }
        return node;
    }

    /** Who is calling: a service account is recorded as its client, anyone else as the admin user. */
    static Actor actor(AdminPermissionEvaluator auth) {
        UserModel user = auth.adminAuth().getUser();
        if (user != null && user.getServiceAccountClientLink() != null && auth.adminAuth().getClient() != null) {
            return Actor.client(auth.adminAuth().getClient().getClientId());
        }
        if (user != null) {
            return Actor.admin(user.getId());
        }
        LOG.debug("Admin call without a user in the token; recording the client");
        return Actor.client(auth.adminAuth().getClient().getClientId());
    }

    /** The {@code state} query parameter of an outbox listing: null when absent, 400 when not a state. */
    static OutboxState outboxState(String state) {
        if (state == null) {
            return null;
        }
        try {
            return OutboxState.valueOf(state.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("state must be one of PENDING, SENT, FAILED, CANCELLED");
        }
    }

    /**
     * The {@code state} query parameter of a flag listing or export: absent → every state (an empty set),
     * {@code open} → FLAGGED and STEPPED_UP, else one state by name (case-insensitive); anything else 400.
     */
    static Set<FlagState> flagStates(String state) {
        if (state == null) {
            return Set.of();
        }
        if (OPEN_STATES.equalsIgnoreCase(state.trim())) {
            return FlagState.OPEN;
        }
        FlagState s = FlagState.parse(state);
        if (s == null) {
            throw ApiException.badRequest("state must be one of open, FLAGGED, STEPPED_UP, REMEDIATED, DISMISSED");
        }
        return EnumSet.of(s);
    }

    /**
     * The {@code q} query parameter of a flag listing, a username or email prefix: absent → null; else trimmed, 1
     * to {@value #MAX_PREFIX} characters without control characters, lower case (as Keycloak stores usernames and
     * emails); anything else 400.
     */
    static String prefix(String q) {
        if (q == null) {
            return null;
        }
        String p = q.strip();
        if (p.isEmpty() || p.length() > MAX_PREFIX) {
            throw ApiException.badRequest("q must be 1 to " + MAX_PREFIX + " characters: the start of a username or email");
        }
        if (p.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("q must not contain control characters");
        }
        return p.toLowerCase(Locale.ROOT);
    }

    /**
     * A query parameter as sent: {@code ""} for {@code ?q=}, which {@code @QueryParam} hands over as null, so that an
     * empty value is refused rather than taken for an absent one; null when absent.
     */
    static String rawQueryParam(KeycloakSession session, String name) {
        return session.getContext().getUri().getQueryParameters().getFirst(name);
    }

    static int first(Integer first) {
        if (first == null) {
            return 0;
        }
        if (first < 0) {
            throw ApiException.badRequest("first must be 0 or more");
        }
        return first;
    }

    static int max(Integer max, int dflt, int cap) {
        if (max == null) {
            return dflt;
        }
        if (max < 1 || max > cap) {
            throw ApiException.badRequest("max must be from 1 to " + cap);
        }
        return max;
    }

    /** {@code body.field} as a boolean, {@code dflt} when absent or null; 400 "field must be true or false" otherwise. */
    static boolean bool(JsonNode body, String field, boolean dflt) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest(field + " must be true or false");
        }
        return v.booleanValue();
    }

    /** 415 unless the request body is declared as {@code application/json}. */
    static void requireJson(KeycloakSession session) {
        MediaType type = session.getContext().getRequestHeaders().getMediaType();
        if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            throw new ApiException(Response.Status.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "Send the body as application/json");
        }
    }
}
