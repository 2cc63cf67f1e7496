package dev.breachresponse.keycloak.revocation;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderFactory;

import dev.breachresponse.keycloak.support.Drain;

/** Holds this node's back-channel logout sender: one {@link Drain} on Keycloak's executor {@value #EXECUTOR}. */
public final class LogoutSenderFactory implements ProviderFactory<LogoutSender> {

    private static final Logger LOG = Logger.getLogger(LogoutSenderFactory.class);

    static final String EXECUTOR = "breach-response-logout";

    private volatile Drain drain;

    @Override
    public LogoutSender create(KeycloakSession session) {
        return this::kick;
    }

    /** Wakes the sender (one drain at a time per node; a kick during a drain causes one more). */
    void kick() {
        Drain.kickSender(drain, LOG, "back-channel logout sender");
    }

    @Override
    public void init(Config.Scope config) {
        // no options
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        drain = Drain.onKeycloakExecutor(factory, EXECUTOR, () -> BackchannelLogouts.drain(factory),
                e -> LOG.errorf(e, "breach-response: back-channel logout sending stopped; the next kick resumes it"));
    }

    @Override
    public void close() {
        // Keycloak's executors stop with the server
    }

    @Override
    public String getId() {
        return "default";
    }
}
