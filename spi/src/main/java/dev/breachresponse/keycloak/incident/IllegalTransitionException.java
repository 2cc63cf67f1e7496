package dev.breachresponse.keycloak.incident;

/** Thrown when a writer asks for a flag state change that {@link FlagState#canMoveTo} forbids. */
public final class IllegalTransitionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final FlagState from;
    private final FlagState to;

    public IllegalTransitionException(FlagState from, FlagState to) {
        super("A flag in state " + from + " cannot move to " + to);
        this.from = from;
        this.to = to;
    }

    public FlagState from() {
        return from;
    }

    public FlagState to() {
        return to;
    }
}
