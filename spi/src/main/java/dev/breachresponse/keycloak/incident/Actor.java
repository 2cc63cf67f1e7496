package dev.breachresponse.keycloak.incident;

import java.util.Locale;
import java.util.Objects;

/**
 * Who or what changed a flag: an admin (user id), a client (service account's client id), the user
 * themself, the system (scheduler, login enforcement without a known subject), or a Shared Signals receiver (alias).
 */
public record Actor(Type type, String id) {

    public enum Type { ADMIN, CLIENT, USER, SYSTEM, SSF }

    public static final Actor SYSTEM = new Actor(Type.SYSTEM, "system");

    public Actor {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        if (id.isBlank() || id.length() > 255) {
            throw new IllegalArgumentException("actor id must be 1..255 characters");
        }
    }

    public static Actor admin(String userId) {
        return new Actor(Type.ADMIN, userId);
    }

    public static Actor client(String clientId) {
        return new Actor(Type.CLIENT, clientId);
    }

    /** An OpenID Shared Signals receiver of the realm, by its alias ({@code ssf:<alias>}). */
    public static Actor ssf(String alias) {
        return new Actor(Type.SSF, alias);
    }

    public static Actor user(String userId) {
        return new Actor(Type.USER, userId);
    }

    /** Stored form, e.g. {@code admin:8f2c…}; parsed back by {@link #parse}. */
    public String asString() {
        return type.name().toLowerCase(Locale.ROOT) + ":" + id;
    }

    public static Actor parse(String stored) {
        if (stored == null) {
            return null;
        }
        int colon = stored.indexOf(':');
        if (colon <= 0) {
            return new Actor(Type.SYSTEM, stored);
        }
        Type t = Type.valueOf(stored.substring(0, colon).toUpperCase(Locale.ROOT));
        return new Actor(t, stored.substring(colon + 1));
    }
}
