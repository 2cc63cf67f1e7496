package dev.breachresponse.keycloak.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;

class BreachEventListenerTest {

    private static AdminEvent event(OperationType op, String path) {
        AdminEvent e = new AdminEvent();
        e.setOperationType(op);
        e.setResourcePath(path);
        return e;
    }

    @Test
    void anAdminSettingAPasswordIsTold() {
        assertEquals("u1", BreachEventListener.passwordResetTarget(event(OperationType.ACTION, "users/u1/reset-password")));
        assertNull(BreachEventListener.passwordResetTarget(event(OperationType.UPDATE, "users/u1/reset-password")));
        assertNull(BreachEventListener.passwordResetTarget(event(OperationType.ACTION, "users/u1/reset-password-email")));
        assertNull(BreachEventListener.passwordResetTarget(event(OperationType.ACTION, "groups/u1/reset-password")));
        assertNull(BreachEventListener.passwordResetTarget(event(OperationType.ACTION, null)));
    }

    @Test
    void anAdminRemovingACredentialIsTold() {
        assertEquals("u1", BreachEventListener.credentialRemovalTarget(event(OperationType.ACTION, "users/u1/credentials/c1")));
        assertEquals("u1", BreachEventListener.credentialRemovalTarget(event(OperationType.DELETE, "users/u1/credentials/c1")));
        assertNull(BreachEventListener.credentialRemovalTarget(event(OperationType.UPDATE, "users/u1/credentials/c1")));
        assertNull(BreachEventListener.credentialRemovalTarget(event(OperationType.ACTION, "users/u1/credentials")));
    }
}
