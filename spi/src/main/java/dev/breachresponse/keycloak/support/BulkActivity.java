package dev.breachresponse.keycloak.support;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a bulk flag job is running on this node (JVM): the job worker says so while it works a job, and background
 * senders that are not urgent (webhooks) send one request at a time meanwhile, so flagging and revoking, which protect
 * accounts, keep the CPU (docs/performance.md, "Webhooks"). Static because it describes the process, not a session
 * factory: two factories in one JVM (tests) only slow each other's webhooks.
 */
public final class BulkActivity {

    private static final AtomicInteger RUNNING = new AtomicInteger();

    private BulkActivity() {
    }

    /** A job starts on this node; pair with {@link #exit()} in a finally block. */
    public static void enter() {
        RUNNING.incrementAndGet();
    }

    public static void exit() {
        RUNNING.decrementAndGet();
    }

    /** Whether a bulk job is running on this node now. */
    public static boolean busy() {
        return RUNNING.get() > 0;
    }
}
