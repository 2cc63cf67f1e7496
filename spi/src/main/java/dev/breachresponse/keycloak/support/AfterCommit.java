package dev.breachresponse.keycloak.support;

import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;

/** Runs something once the session's transaction has committed (never on rollback: nothing was written). */
public final class AfterCommit {

    private AfterCommit() {
    }

    public static void run(KeycloakSession session, Runnable action) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                action.run();
            }

            @Override
            protected void rollbackImpl() {
                // nothing was written, nothing to wake
            }
        });
    }
}
