package dev.breachresponse.keycloak.incident;

/** Life of a bulk flag job. QUEUED and RUNNING are active; the others are final. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isActive() {
        return this == QUEUED || this == RUNNING;
    }
}
