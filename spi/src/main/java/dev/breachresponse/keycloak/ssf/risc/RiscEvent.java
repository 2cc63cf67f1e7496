package dev.breachresponse.keycloak.ssf.risc;

import java.util.Set;

import org.keycloak.ssf.event.SsfEvent;
import org.keycloak.ssf.event.SsfEventValidationException;

/**
 * A RISC 1.0 event (OpenID RISC Event Types 1.0 §2) for Keycloak 26.7's SSF transmitter, which knows none: its members
 * other than the common ones (e.g. {@code credential_type}, {@code reason}) travel as the event's attributes. Checked
 * as RISC asks: {@code credential-compromise} needs {@code credential_type}; {@code account-disabled} takes
 * {@code reason} {@code hijacking} or {@code bulk-account} when given. A payload that is not throws Keycloak's
 * {@link SsfEventValidationException}, which its emit endpoint answers with 400 {@code invalid_event_data}. One public class with a no-argument constructor per
 * type: Keycloak's emit endpoint reads the payload into the registered class with Jackson.
 */
public abstract class RiscEvent extends SsfEvent {

    static final String PREFIX = "https://schemas.openid.net/secevent/risc/event-type/";

    RiscEvent(String type) {
        super(PREFIX + type);
        setAlias("Risc" + alias(type));
    }

    @Override
    public void validate() {
        super.validate();
        String type = getEventType().substring(PREFIX.length());
        Object credential = getAttributes() == null ? null : getAttributes().get("credential_type");
        if ("credential-compromise".equals(type) && !(credential instanceof String)) {
            throw new SsfEventValidationException(getAlias(), "credential_type");
        }
        Object reason = getAttributes() == null ? null : getAttributes().get("reason");
        if ("account-disabled".equals(type) && reason != null && !Set.of("hijacking", "bulk-account").contains(reason)) {
            throw new SsfEventValidationException(getAlias(), "reason");
        }
    }

    /** {@code credential-compromise} → {@code CredentialCompromise}. */
    static String alias(String type) {
        StringBuilder b = new StringBuilder();
        for (String part : type.split("-")) {
            b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return b.toString();
    }

    public static final class CredentialCompromise extends RiscEvent {
        public CredentialCompromise() {
            super("credential-compromise");
        }
    }

    public static final class AccountCredentialChangeRequired extends RiscEvent {
        public AccountCredentialChangeRequired() {
            super("account-credential-change-required");
        }
    }

    public static final class AccountDisabled extends RiscEvent {
        public AccountDisabled() {
            super("account-disabled");
        }
    }

    public static final class AccountEnabled extends RiscEvent {
        public AccountEnabled() {
            super("account-enabled");
        }
    }

    public static final class AccountPurged extends RiscEvent {
        public AccountPurged() {
            super("account-purged");
        }
    }

    public static final class IdentifierChanged extends RiscEvent {
        public IdentifierChanged() {
            super("identifier-changed");
        }
    }

    public static final class IdentifierRecycled extends RiscEvent {
        public IdentifierRecycled() {
            super("identifier-recycled");
        }
    }

    public static final class RecoveryActivated extends RiscEvent {
        public RecoveryActivated() {
            super("recovery-activated");
        }
    }

    public static final class RecoveryInformationChanged extends RiscEvent {
        public RecoveryInformationChanged() {
            super("recovery-information-changed");
        }
    }
}
