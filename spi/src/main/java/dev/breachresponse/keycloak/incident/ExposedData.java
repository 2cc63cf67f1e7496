package dev.breachresponse.keycloak.incident;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The data classes a vendor can leak. Secret classes (password, credential) harden the default policy. */
public final class ExposedData {

    public static final List<String> KNOWN = List.of(
            "email", "name", "username", "location", "phone", "ip-address", "user-agent", "organization",
            "password", "credential");

    private static final Set<String> SECRETS = Set.of("password", "credential");

    private ExposedData() {
    }

    /**
     * Normalises (lower case, trimmed, de-duplicated, in the order of {@link #KNOWN}) and validates a caller's
     * list, so two lists naming the same classes compare equal.
     *
     * @throws IllegalArgumentException naming the first unknown class
     */
    public static List<String> normalise(Collection<String> given) {
        if (given == null || given.isEmpty()) {
            throw new IllegalArgumentException("exposedData must name at least one of " + KNOWN);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String g : given) {
            String v = g == null ? "" : g.trim().toLowerCase(Locale.ROOT);
            if (!KNOWN.contains(v)) {
                throw new IllegalArgumentException("exposedData: unknown class '" + g + "'; known: " + KNOWN);
            }
            out.add(v);
        }
        return KNOWN.stream().filter(out::contains).toList();
    }

    /** True when the leak included something that lets an attacker sign in (NIST SP 800-63B rev 4). */
    public static boolean includesSecret(Collection<String> exposed) {
        return exposed.stream().anyMatch(SECRETS::contains);
    }
}
