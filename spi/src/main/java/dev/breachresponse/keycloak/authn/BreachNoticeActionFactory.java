package dev.breachresponse.keycloak.authn;

import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;

/** "Breach notice": the page a flagged user reads at login. */
public final class BreachNoticeActionFactory extends RequiredActionFactoryBase {

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
