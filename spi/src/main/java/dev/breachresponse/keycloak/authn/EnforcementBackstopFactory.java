package dev.breachresponse.keycloak.authn;

import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;

import dev.breachresponse.keycloak.support.NoLifecycle;

/** "Breach enforcement backstop": refuses a flagged user's login on a path where no breach step-up ran. */
public final class EnforcementBackstopFactory implements RequiredActionFactory, NoLifecycle<RequiredActionProvider> {

    public static final String ID = "breach-backstop";

    /** Runs before every other required action (Keycloak orders them by ascending priority). */
    public static final int PRIORITY = -2000;

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return EnforcementBackstop.INSTANCE;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayText() {
        return "Breach enforcement backstop";
    }
}
