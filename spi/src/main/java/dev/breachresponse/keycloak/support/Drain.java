package dev.breachresponse.keycloak.support;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.jboss.logging.Logger;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * "One drain at a time" for a background sender or worker: {@link #kick()} asks for a pass over whatever is due and
 * returns at once. At most one pass runs at a time; a kick while a pass runs is not lost but causes one more pass
 * after it (any number of kicks during one pass cause one more, not many). Each owner (a provider factory) holds its
 * own instance: nothing is static, so two Keycloak session factories in one JVM (tests) do not share a sender.
 * <p>
 * A pass that throws is handed to {@code onError} and ends that pass only; the next kick runs again.
 */
public final class Drain {

    private final Executor start;
    private final Runnable pass;
    private final Consumer<Throwable> onError;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    /**
     * @param start   starts the loop on some thread; called only when no loop runs (so a kick during a pass costs
     *                no thread, session or executor look-up). Its exception is rethrown by {@link #kick()}.
     * @param pass    one pass: sends or processes what is due now
     * @param onError told of a pass that threw (a {@link RuntimeException} or an {@link Error}, which would
     *                otherwise vanish inside an executor)
     */
    public Drain(Executor start, Runnable pass, Consumer<Throwable> onError) {
        this.start = Objects.requireNonNull(start, "start");
        this.pass = Objects.requireNonNull(pass, "pass");
        this.onError = Objects.requireNonNull(onError, "onError");
    }

    /**
     * Asks for a pass; returns at once. Starts the loop when none runs, else leaves one more pass to the running
     * loop.
     *
     * @throws RuntimeException what {@code start} threw (e.g. {@link java.util.concurrent.RejectedExecutionException}
     *                          while shutting down); the request stays pending for the next kick
     */
    public void kick() {
        again.set(true);
        if (!running.compareAndSet(false, true)) {
            return;
        }
        try {
            start.execute(this::loop);
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
    }

    /**
     * A drain whose loop runs on Keycloak's named executor {@code executor} (a session is opened only to look the
     * executor up): how the extension's background senders start.
     */
    public static Drain onKeycloakExecutor(KeycloakSessionFactory factory, String executor, Runnable pass, Consumer<Throwable> onError) {
        return new Drain(loop -> {
            try (KeycloakSession s = factory.create()) {
                s.getProvider(ExecutorsProvider.class).getExecutor(executor).execute(loop);
            }
        }, pass, onError);
    }

    /**
     * A sender's kick: nothing before its factory's postInit ({@code drain} null) or outside the supported Keycloak
     * versions (logged once, {@link KeycloakVersions#mayStartWorkers}); a loop that cannot be started is logged as
     * "could not start the {@code what}", never thrown at the caller.
     */
    public static void kickSender(Drain drain, Logger log, String what) {
        if (drain == null || !KeycloakVersions.mayStartWorkers()) {
            return;
        }
        try {
            drain.kick();
        } catch (RuntimeException e) {
            log.errorf(e, "breach-response: could not start the %s", what);
        }
    }

    /** Whether a loop is running now (for tests and status). */
    public boolean running() {
        return running.get();
    }

    private void loop() {
        do {
            try {
                while (again.getAndSet(false) && !Thread.currentThread().isInterrupted()) {
                    try {
                        pass.run();
                    } catch (Throwable e) { // NOPMD: an Error would otherwise vanish inside the executor
                        onError.accept(e);
                    }
                }
            } finally {
                running.set(false);
            }
            // a kick between the last check and the reset above found the loop running and returned: serve it here
        } while (again.get() && !Thread.currentThread().isInterrupted() && running.compareAndSet(false, true));
    }
}
