package dev.breachresponse.keycloak.authn;

import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;

import dev.breachresponse.keycloak.support.NoLifecycle;

/** "Breach verification": records enrolment and remediation after the actions the step-up queued. */
public final class BreachVerifyActionFactory implements RequiredActionFactory, NoLifecycle<RequiredActionProvider> {

    public static final String ID = "breach-verify";

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return new BreachVerifyAction();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayText() {
        return "Breach verification";
    }
}
