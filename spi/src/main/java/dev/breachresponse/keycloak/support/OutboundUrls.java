package dev.breachresponse.keycloak.support;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Which URLs the extension may call out to (webhook endpoints, a Pwned Passwords range API): absolute {@code https}
 * URLs; {@code http} only for a loopback host ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}) or when the
 * caller allows it; no user info (credentials never travel in a URL), no fragment, at most {@value #MAX_LENGTH}
 * characters. The host is not resolved here: an admin who can manage the realm chooses where its calls go.
 */
public final class OutboundUrls {

    public static final int MAX_LENGTH = 2048;

    private OutboundUrls() {
    }

    /**
     * Null when {@code url} is acceptable, else the reason as a sentence for a 400 that starts with {@code field}.
     *
     * @param allowHttp      whether plain http is accepted for a host that is not a loopback one
     * @param allowHttpField the name of the caller's switch that allows http (named in the reason), or null when none
     */
    public static String problem(String field, String url, boolean allowHttp, String allowHttpField) {
        if (url == null || url.isBlank()) {
            return field + " is required";
        }
        if (url.length() > MAX_LENGTH) {
            return field + " is longer than " + MAX_LENGTH + " characters";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return field + " is not a valid URI";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getHost().isEmpty()) {
            return field + " must be an absolute http(s) URL with a host";
        }
        if (uri.getRawUserInfo() != null) {
            return field + " must not hold user info (user:password@)";
        }
        if (uri.getRawFragment() != null) {
            return field + " must not have a fragment";
        }
        if ("https".equals(scheme)) {
            return null;
        }
        if (!"http".equals(scheme)) {
            return field + " must use https";
        }
        if (allowHttp || loopback(uri.getHost())) {
            return null;
        }
        return field + " must use https (http only for a loopback host" + (allowHttpField == null ? ")" : ", or with " + allowHttpField + " set to true)");
    }

    /** True for {@code localhost}, {@code [::1]} and dotted addresses in {@code 127.0.0.0/8}. */
    public static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return "localhost".equals(h) || "[::1]".equals(h) || h.matches("127(\\.\\d{1,3}){3}");
    }
}
