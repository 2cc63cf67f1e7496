package dev.breachresponse.keycloak.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Which URLs a webhook endpoint may have: absolute {@code https} URLs; {@code http} only for a loopback host
 * ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}) or when the admin allowed it on the endpoint
 * ({@code allowHttp}); no user info (credentials belong in the signature), no fragment, at most 2048 characters. The
 * host is not resolved here: an admin who can manage the realm chooses where its events go (docs/webhooks.md,
 * "Security").
 */
public final class WebhookTargets {

    public static final int MAX_LENGTH = 2048;

    private WebhookTargets() {
    }

    /** Null when {@code url} is acceptable, else the reason, as a sentence for the API's 400. */
    public static String problem(String url, boolean allowHttp) {
        if (url == null || url.isBlank()) {
            return "url is required";
        }
        if (url.length() > MAX_LENGTH) {
            return "url is longer than " + MAX_LENGTH + " characters";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "url is not a valid URI";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getHost().isEmpty()) {
            return "url must be an absolute http(s) URL with a host";
        }
        if (uri.getRawUserInfo() != null) {
            return "url must not hold user info (user:password@)";
        }
        if (uri.getRawFragment() != null) {
            return "url must not have a fragment";
        }
        if ("https".equals(scheme)) {
            return null;
        }
        if (!"http".equals(scheme)) {
            return "url must use https";
        }
        if (allowHttp || loopback(uri.getHost())) {
            return null;
        }
        return "url must use https (http only for a loopback host, or with allowHttp set to true)";
    }

    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return "localhost".equals(h) || "[::1]".equals(h) || h.matches("127(\\.\\d{1,3}){3}");
    }
}
