package dev.breachresponse.keycloak.support;

/** Checks of the extension's server options ({@code --spi-…} settings), shared by every provider factory. */
public final class Options {

    private Options() {
    }

    /**
     * {@code v} when it lies in [{@code min}, {@code max}]; else an {@link IllegalArgumentException} "{@code option}
     * must be from {@code min} to {@code max}, was {@code v}", which stops the server at start (a wrong setting is
     * refused, never silently clamped). {@code option} names the setting as the admin would look for it.
     */
    public static long bounded(long v, long min, long max, String option) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(option + " must be from " + min + " to " + max + ", was " + v);
        }
        return v;
    }

    /** {@link #bounded(long, long, long, String)} for an int option. */
    public static int bounded(int v, int min, int max, String option) {
        return (int) bounded((long) v, min, max, option);
    }
}
