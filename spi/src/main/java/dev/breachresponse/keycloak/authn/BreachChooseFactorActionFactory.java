package dev.breachresponse.keycloak.authn;

import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;

import dev.breachresponse.keycloak.support.NoLifecycle;

/** "Breach factor choice": the page where a flagged user without a factor picks which one to enrol. */
public final class BreachChooseFactorActionFactory implements RequiredActionFactory, NoLifecycle<RequiredActionProvider> {

    public static final String ID = "breach-choose-factor";

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return new BreachChooseFactorAction();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayText() {
        return "Breach factor choice";
    }
}
