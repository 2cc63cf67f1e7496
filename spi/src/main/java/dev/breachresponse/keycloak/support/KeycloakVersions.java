package dev.breachresponse.keycloak.support;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;
import org.keycloak.common.Version;

/**
 * The one place that declares which Keycloak versions the extension supports: from {@link #MINIMUM} (inclusive)
 * up to, not including, {@link #BELOW}. Each bound is {@code major.minor.micro}; a vendor suffix after the micro
 * version ({@code 26.5.6.redhat-00001}) is ignored. Outside the range (or when the running version cannot be
 * read) the extension starts no workers and its setup endpoints answer 409 {@code unsupported_keycloak_version}:
 * half-working is worse than refusing. The running version is {@code org.keycloak.common.Version.VERSION}.
 * CI runs the core integration tests on the distributions named in tests/pom.xml ({@code it-kc-*} executions).
 */
public final class KeycloakVersions {

    /** Oldest supported release: the last patch of the 26.4 line (tested; earlier ones are not). */
    public static final String MINIMUM = "26.4.7";
    /** First release not supported: the next minor line after the one the jar is built against. */
    public static final String BELOW = "26.8.0";
    /** The range as people read it, for logs, errors and docs. */
    public static final String RANGE = MINIMUM + " up to 26.7.x";

    private static final Logger LOG = Logger.getLogger(KeycloakVersions.class);
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)(?:[.-].*)?$");
    private static final AtomicBoolean LOGGED_REFUSAL = new AtomicBoolean();

    private KeycloakVersions() {
    }

    /** Pure: whether {@code version} lies in [{@link #MINIMUM}, {@link #BELOW}); an unreadable version (null, empty, not major.minor.micro) is not. */
    public static boolean supported(String version) {
        int[] v = parse(version);
        return v != null && compare(v, parse(MINIMUM)) >= 0 && compare(v, parse(BELOW)) < 0;
    }

    /**
     * Pure: whether {@code version} is supported and at least {@code minimum} (for parts of the extension that need a
     * newer Keycloak than {@link #MINIMUM}, such as the Workflows providers, which need 26.7's workflow-event SPI).
     */
    public static boolean supportedFrom(String version, String minimum) {
        int[] v = parse(version);
        return supported(version) && compare(v, parse(minimum)) >= 0;
    }

    /** The version of the Keycloak this code runs in. */
    public static String running() {
        try {
            return Version.VERSION;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Whether the running Keycloak is supported. */
    public static boolean runningSupported() {
        return supported(running());
    }

    /** One clear sentence naming the running version and the supported range (for errors and the log). */
    public static String refusal() {
        return "Breach Response does not support Keycloak " + running() + "; supported versions: " + RANGE
                + ". Its workers (bulk jobs, reminders, hygiene, back-channel logouts) are not started and setup is refused.";
    }

    /**
     * Call from a worker's start: true if it may start; false (and one warning in the server log, once per
     * node) if the running version is outside the range.
     */
    public static boolean mayStartWorkers() {
        if (runningSupported()) {
            return true;
        }
        if (LOGGED_REFUSAL.compareAndSet(false, true)) {
            LOG.error(refusal());
        }
        return false;
    }

    static int[] parse(String version) {
        if (version == null) {
            return null;
        }
        Matcher m = VERSION.matcher(version.trim());
        if (!m.matches()) {
            return null;
        }
        try {
            return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }
}
