package dev.breachresponse.keycloak.revocation;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.http.NameValuePair;
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.message.BasicNameValuePair;
import org.apache.http.util.EntityUtils;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.common.util.Time;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.representations.LogoutToken;
import org.keycloak.util.JsonSerialization;

import dev.breachresponse.keycloak.incident.OutboxState;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.LogoutOutbox;
import dev.breachresponse.keycloak.support.AfterCommit;

/**
 * OpenID Connect back-channel logout for sessions the extension revokes, sent asynchronously. While a session is
 * revoked (in the revoking transaction, so a bulk job never waits for a client), one outbox row per (client,
 * session) is written for each OIDC client with a back-channel logout URL, holding the logout token's claims as
 * Keycloak builds them (issuer, audience, subject after pairwise mappers, sid when the client wants it). After
 * commit the node's sender ({@link LogoutSender}, on Keycloak's executor) signs a fresh token (new jti, iat, exp in two minutes) and posts it;
 * failures are retried with a growing wait, up to {@link #MAX_ATTEMPTS} times.
 */
public final class BackchannelLogouts {

    private static final Logger LOG = Logger.getLogger(BackchannelLogouts.class);

    static final int MAX_ATTEMPTS = 5;
    static final int BATCH = 200;

    private BackchannelLogouts() {
    }

    /**
     * Queues the logouts owed for these sessions of the user (call before removing them) and wakes the sender
     * when the transaction commits.
     *
     * @return the number of logouts queued
     */
    static int queue(KeycloakSession session, RealmModel realm, UserModel user, List<UserSessionModel> sessions) {
        LogoutOutbox outbox = null;
        Set<String> done = new HashSet<>();
        long now = Time.currentTimeMillis();
        ClientModel previous = session.getContext().getClient();
        int queued = 0;
        try {
            for (UserSessionModel us : sessions) {
                for (AuthenticatedClientSessionModel cs : us.getAuthenticatedClientSessions().values()) {
                    ClientModel client = cs.getClient();
                    if (client == null || !OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol()) || !done.add(client.getId() + "/" + us.getId())) {
                        continue;
                    }
                    String url = logoutUrl(client, cs.getNote(OIDCLoginProtocol.ISSUER));
                    if (url == null) {
                        continue;
                    }
                    session.getContext().setClient(client);
                    LogoutToken token = session.tokens().initLogoutToken(client, user, cs);
                    String claims;
                    try {
                        claims = JsonSerialization.writeValueAsString(token);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    if (outbox == null) {
                        outbox = session.getProvider(IncidentStore.class).logouts();
                    }
                    outbox.add(realm.getId(), client.getId(), user.getId(), url, claims, now);
                    queued++;
                }
            }
        } finally {
            session.getContext().setClient(previous);
        }
        if (queued > 0) {
            KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
            AfterCommit.run(session, () -> LogoutSender.kick(factory));
        }
        return queued;
    }

    /**
     * The client's back-channel logout URL, resolved without an HTTP request (a bulk job has none): a path is
     * relative to the client's root URL, {@code ${authBaseUrl}} is the server base the session's issuer names.
     * Null when the client has none, or when it cannot be resolved here (the per-host placeholder needs the
     * adapter's host note: such clients learn at their next token refresh, which fails).
     */
    static String logoutUrl(ClientModel client, String issuer) {
        String url = OIDCAdvancedConfigWrapper.fromClientModel(client).getBackchannelLogoutUrl();
        if (url == null || url.isBlank()) {
            return null;
        }
        String base = issuer != null && issuer.contains("/realms/") ? issuer.substring(0, issuer.indexOf("/realms/")) : null;
        String root = client.getRootUrl();
        if (url.startsWith("/") && root != null && !root.isBlank()) {
            url = root + url;
        }
        if (base != null) {
            url = url.replace("${authBaseUrl}", base).replace("${authAdminUrl}", base);
        }
        if (url.contains("${") || !(url.startsWith("http://") || url.startsWith("https://"))) {
            LOG.debugf("breach-response: client %s has a back-channel logout URL that cannot be resolved without a request; not queued",
                    client.getClientId());
            return null;
        }
        return url;
    }

    /** Sends what is due now, batch by batch, each row in its own transaction. */
    static void drain(KeycloakSessionFactory factory) {
        Set<String> tried = new HashSet<>();
        while (true) {
            List<String> ids = new ArrayList<>(KeycloakModelUtils.runJobInTransactionWithResult(factory,
                    s -> s.getProvider(IncidentStore.class).logouts().sendable(Time.currentTimeMillis(), MAX_ATTEMPTS, BATCH)));
            // a row that threw stays PENDING and comes back: try each once per drain, so a full batch of them cannot spin
            ids.removeIf(id -> !tried.add(id));
            if (ids.isEmpty()) {
                return;
            }
            for (String id : ids) {
                try {
                    KeycloakModelUtils.runJobInTransaction(factory, s -> sendOne(s, id));
                } catch (RuntimeException e) {
                    LOG.errorf(e, "breach-response: back-channel logout %s could not be processed", id);
                }
            }
            if (ids.size() < BATCH) {
                return;
            }
        }
    }

    private static void sendOne(KeycloakSession session, String id) {
        LogoutOutbox outbox = session.getProvider(IncidentStore.class).logouts();
        Optional<LogoutOutbox.Logout> locked = outbox.lock(id);
        if (locked.isEmpty() || locked.get().state() == OutboxState.SENT || locked.get().state() == OutboxState.CANCELLED) {
            return;
        }
        LogoutOutbox.Logout l = locked.get();
        RealmModel realm = session.realms().getRealm(l.realmId());
        ClientModel client = realm == null ? null : realm.getClientById(l.clientId());
        if (client == null || !client.isEnabled()) {
            outbox.markCancelled(id, client == null ? "client gone" : "client disabled");
            return;
        }
        session.getContext().setRealm(realm);
        session.getContext().setClient(client);
        String error;
        try {
            LogoutToken token = JsonSerialization.readValue(l.claims(), LogoutToken.class);
            token.id(SecretGenerator.getInstance().generateSecureID());
            token.issuedNow();
            token.exp(Time.currentTime() + 120L);
            String jwt = session.tokens().encode(token);
            HttpPost post = new HttpPost(URI.create(l.url()));
            List<NameValuePair> form = List.of(new BasicNameValuePair(OAuth2Constants.LOGOUT_TOKEN, jwt));
            post.setEntity(new UrlEncodedFormEntity(form, StandardCharsets.UTF_8));
            try (CloseableHttpResponse response = session.getProvider(HttpClientProvider.class).getHttpClient().execute(post)) {
                int status = response.getStatusLine().getStatusCode();
                EntityUtils.consumeQuietly(response.getEntity());
                if (status == 200 || status == 204) {
                    outbox.markSent(id, Time.currentTimeMillis());
                    LOG.debugf("breach-response: back-channel logout delivered to client %s", client.getClientId());
                    return;
                }
                error = "HTTP " + status;
            }
        } catch (IOException | IllegalArgumentException e) {
            // the class and Keycloak's or the library's sentence; never the token
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        int attempt = l.attempts() + 1;
        outbox.markFailed(id, error, Time.currentTimeMillis() + 60_000L * attempt * attempt);
        LOG.warnf("breach-response: back-channel logout to client %s failed (attempt %d of %d): %s", client.getClientId(), attempt,
                MAX_ATTEMPTS, error);
    }
}
