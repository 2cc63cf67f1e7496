package dev.breachresponse.keycloak.incident.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One webhook endpoint of a realm (table BR_WEBHOOK). {@code EVENTS} holds the subscribed wire names, comma-separated
 * ({@link dev.breachresponse.keycloak.incident.WebhookEvent}); the secrets are Standard Webhooks {@code whsec_} keys,
 * kept in clear like Keycloak keeps client secrets, since signing needs them.
 */
@Entity
@Table(name = "BR_WEBHOOK")
@NamedQueries({
        @NamedQuery(name = "brWebhooksOfRealm", query = "select w from WebhookEntity w where w.realmId = :realmId order by w.createdAt, w.id"),
        @NamedQuery(name = "brWebhooksEnabled", query = "select w from WebhookEntity w where w.realmId = :realmId and w.enabled = true"),
        @NamedQuery(name = "brWebhookCount", query = "select count(w) from WebhookEntity w where w.realmId = :realmId")
})
public class WebhookEntity {

    @Id
    @Column(name = "ID", length = 36)
    String id;
    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;
    @Column(name = "URL", length = 2048, nullable = false)
    String url;
    @Column(name = "EVENTS", length = 1024, nullable = false)
    String events;
    @Column(name = "ENABLED", nullable = false)
    boolean enabled;
    @Column(name = "ALLOW_HTTP", nullable = false)
    boolean allowHttp;
    @Column(name = "INCLUDE_EMAIL", nullable = false)
    boolean includeEmail;
    @Column(name = "DESCRIPTION", length = 255)
    String description;
    @Column(name = "SECRET", length = 128, nullable = false)
    String secret;
    @Column(name = "PREVIOUS_SECRET", length = 128)
    String previousSecret;
    @Column(name = "PREVIOUS_SECRET_UNTIL")
    Long previousSecretUntil;
    @Column(name = "CREATED_AT", nullable = false)
    long createdAt;
    @Column(name = "CREATED_BY", length = 255, nullable = false)
    String createdBy;
    @Column(name = "UPDATED_AT", nullable = false)
    long updatedAt;
}
