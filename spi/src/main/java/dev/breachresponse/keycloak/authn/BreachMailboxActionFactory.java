package dev.breachresponse.keycloak.authn;

import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;

import dev.breachresponse.keycloak.support.NoLifecycle;

/** "Breach mailbox proof": emails a link before a user whose password was exposed may enrol a factor. */
public final class BreachMailboxActionFactory implements RequiredActionFactory, NoLifecycle<RequiredActionProvider> {

    public static final String ID = "breach-mailbox-proof";

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return new BreachMailboxAction();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayText() {
        return "Breach mailbox proof";
    }
}
