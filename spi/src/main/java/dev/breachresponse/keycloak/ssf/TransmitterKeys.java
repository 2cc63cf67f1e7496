package dev.breachresponse.keycloak.ssf;

import java.util.List;

import org.keycloak.crypto.KeyWrapper;
import org.keycloak.crypto.PublicKeysWrapper;
import org.keycloak.crypto.SignatureProvider;
import org.keycloak.jose.jwk.JSONWebKeySet;
import org.keycloak.jose.jwk.JWK;
import org.keycloak.keys.PublicKeyLoader;
import org.keycloak.keys.PublicKeyStorageProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.util.JWKSUtils;

import dev.breachresponse.keycloak.incident.SsfReceivers;

/**
 * A transmitter's signing keys: its JWKS ({@code jwks_uri}) fetched with {@link Outbound} (at most
 * {@value #MAX_JWKS_BYTES} bytes, no redirects) and cached by Keycloak's {@link PublicKeyStorageProvider} as Keycloak
 * caches an identity provider's keys (per node; an unknown {@code kid} reloads at most every 10 s by default, option
 * {@code spi-public-key-storage--infinispan--min-time-between-requests}); a fetched set expires after
 * {@code keys-max-age-seconds}, so a key the transmitter rotated out stops verifying. Only keys for signing ({@code use} sig or
 * absent) count. Signatures are checked by Keycloak's {@link SignatureProvider} for the algorithm.
 */
final class TransmitterKeys implements SetVerifier.Keys, SetVerifier.Signatures {

    static final int MAX_JWKS_BYTES = 256 * 1024;

    /** Within this time of the last fetch, a kid the JWKS did not hold is taken as unknown (Keycloak's own pause). */
    static final long RELOAD_PAUSE_MILLIS = 10_000;

    private final KeycloakSession session;
    private final SsfServiceFactory factory;
    private final String receiverId;
    private final int keysVersion;
    private final String jwksUri;
    private final PublicKeyLoader loader;

    TransmitterKeys(KeycloakSession session, SsfReceivers.Receiver receiver, SsfServiceFactory factory) {
        this.session = session;
        this.factory = factory;
        this.receiverId = receiver.id();
        this.keysVersion = receiver.keysVersion();
        this.jwksUri = receiver.settings().jwksUri();
        Outbound outbound = factory.outbound(session);
        long maxAgeMillis = factory.keysMaxAgeSeconds() * 1000L;
        this.loader = () -> {
            factory.keysFetched(receiverId);
            Outbound.Answer a = outbound.get(jwksUri, null, MAX_JWKS_BYTES);
            if (a.status() != 200 || a.body() == null) {
                throw new IllegalStateException("the transmitter's JWKS answered " + a.status());
            }
            JSONWebKeySet set = Outbound.JSON.treeToValue(a.body(), JSONWebKeySet.class);
            List<KeyWrapper> keys = set.getKeys() == null ? List.of() : JWKSUtils.getKeyWrappersForUse(set, JWK.Use.SIG, true).getKeys();
            // expires, so that a key the transmitter rotated out stops verifying within the max age
            return new PublicKeysWrapper(keys, System.currentTimeMillis() + maxAgeMillis);
        };
    }

    /**
     * The cache key: the receiver, its JWKS URL, its keys version (raised cluster-wide by an admin's refresh) and this
     * node's generation (raised when a kid is not found): each change starts a new cache entry, fetched at once.
     */
    private String modelKey() {
        return "breach-ssf::" + receiverId + "::" + keysVersion + "." + factory.keyGeneration(receiverId) + "::" + jwksUri;
    }

    /**
     * The key for {@code kid} and {@code alg}. A kid the cached JWKS does not hold is looked up once more in a JWKS
     * fetched now (the transmitter may have rotated its keys), unless this node fetched it within
     * {@value #RELOAD_PAUSE_MILLIS} ms: then the kid is unknown.
     *
     * @throws KeysUnavailable when the JWKS could not be fetched or read (the SET is not refused: it may be fine)
     */
    @Override
    public KeyWrapper key(String kid, String alg) {
        KeyWrapper k = lookup(kid, alg);
        if (k == null && kid != null && factory.keysFetchedBefore(receiverId, RELOAD_PAUSE_MILLIS)) {
            factory.nextKeyGeneration(receiverId);
            k = lookup(kid, alg);
        }
        if (k != null && k.getAlgorithm() == null) {
            k.setAlgorithm(alg); // a clone (Keycloak's key storage hands out copies): verify with the SET's algorithm
        }
        return k;
    }

    private KeyWrapper lookup(String kid, String alg) {
        PublicKeyStorageProvider keys = session.getProvider(PublicKeyStorageProvider.class);
        try {
            return kid == null ? keys.getFirstPublicKey(modelKey(), alg, loader) : keys.getPublicKey(modelKey(), kid, alg, loader);
        } catch (RuntimeException e) {
            throw new KeysUnavailable();
        }
    }

    /** The transmitter's keys could not be fetched now. */
    static final class KeysUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeysUnavailable() {
            super("the transmitter's JWKS could not be fetched", null, false, false);
        }
    }

    @Override
    public boolean verify(KeyWrapper key, String alg, byte[] data, byte[] signature) throws Exception {
        SignatureProvider provider = session.getProvider(SignatureProvider.class, alg);
        return provider != null && provider.isAsymmetricAlgorithm() && provider.verifier(key).verify(data, signature);
    }

    /**
     * Fetches the JWKS again now on this node (an admin's refresh; other nodes follow the receiver's keys version, which
     * the caller raises). False when the fetch failed or found no key.
     */
    boolean reload() {
        factory.nextKeyGeneration(receiverId);
        try {
            return !session.getProvider(PublicKeyStorageProvider.class).getKeys(modelKey(), loader).isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
