package dev.breachresponse.keycloak.workflow;

import org.keycloak.common.Profile;

import dev.breachresponse.keycloak.support.KeycloakVersions;

/**
 * Whether this Keycloak can run the extension's Workflows providers: a supported version from {@value #FROM} (the
 * {@code workflow-event} SPI and the condition interface these classes implement first appear in 26.7; 26.4 and 26.5
 * have other, incompatible shapes) with Keycloak's {@code workflows} feature on (the default from 26.6).
 */
final class WorkflowSupport {

    static final String FROM = "26.7.0";

    private WorkflowSupport() {
    }

    static boolean available() {
        // the version first: on an older Keycloak nothing of the workflow API is touched
        return KeycloakVersions.supportedFrom(KeycloakVersions.running(), FROM) && Profile.isFeatureEnabled(Profile.Feature.WORKFLOWS);
    }
}
