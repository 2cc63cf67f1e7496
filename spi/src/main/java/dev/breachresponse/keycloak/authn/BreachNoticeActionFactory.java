package dev.breachresponse.keycloak.authn;

import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;

import dev.breachresponse.keycloak.support.NoLifecycle;

/** "Breach notice": the page a flagged user reads at login. */
public final class BreachNoticeActionFactory implements RequiredActionFactory, NoLifecycle<RequiredActionProvider> {

    public static final String ID = "breach-notice";

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return new BreachNoticeAction();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayText() {
        return "Breach notice";
    }
}
