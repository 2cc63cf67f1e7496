package dev.breachresponse.keycloak.webhook;

import dev.breachresponse.keycloak.support.OutboundUrls;

/**
 * Which URLs a webhook endpoint may have: absolute {@code https} URLs; {@code http} only for a loopback host
 * ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}) or when the admin allowed it on the endpoint
 * ({@code allowHttp}); no user info (credentials belong in the signature), no fragment, at most 2048 characters. The
 * host is not resolved here: an admin who can manage the realm chooses where its events go (docs/webhooks.md,
 * "Security").
 */
public final class WebhookTargets {

    public static final int MAX_LENGTH = OutboundUrls.MAX_LENGTH;

    private WebhookTargets() {
    }

    /** Null when {@code url} is acceptable, else the reason, as a sentence for the API's 400 (see {@link OutboundUrls}). */
    public static String problem(String url, boolean allowHttp) {
        return OutboundUrls.problem("url", url, allowHttp, "allowHttp");
    }
}
