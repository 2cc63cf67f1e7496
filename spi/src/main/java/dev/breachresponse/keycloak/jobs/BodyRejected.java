package dev.breachresponse.keycloak.jobs;

/** The whole body is refused (syntax error, unknown field, over a cap); nothing of it may be stored. */
public final class BodyRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean tooLarge;

    public BodyRejected(String message, boolean tooLarge) {
        super(message);
        this.tooLarge = tooLarge;
    }

    public boolean tooLarge() {
        return tooLarge;
    }
}
