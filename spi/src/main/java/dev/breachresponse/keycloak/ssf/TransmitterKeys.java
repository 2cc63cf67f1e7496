package dev.breachresponse.keycloak.ssf;

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
 * {@code spi-public-key-storage--infinispan--min-time-between-requests}). Only keys for signing ({@code use} sig or
 * absent) count. Signatures are checked by Keycloak's {@link SignatureProvider} for the algorithm.
 */
final class TransmitterKeys implements SetVerifier.Keys, SetVerifier.Signatures {

    static final int MAX_JWKS_BYTES = 256 * 1024;

    private final KeycloakSession session;
    private final String modelKey;
    private final PublicKeyLoader loader;

    TransmitterKeys(KeycloakSession session, SsfReceivers.Receiver receiver, Outbound outbound) {
        this.session = session;
        String jwksUri = receiver.settings().jwksUri();
        this.modelKey = "breach-ssf::" + receiver.id() + "::" + jwksUri;
        this.loader = () -> {
            Outbound.Answer a = outbound.get(jwksUri, null, MAX_JWKS_BYTES);
            if (a.status() != 200 || a.body() == null) {
                throw new IllegalStateException("the transmitter's JWKS answered " + a.status());
            }
            JSONWebKeySet set = Outbound.JSON.treeToValue(a.body(), JSONWebKeySet.class);
            return set.getKeys() == null ? PublicKeysWrapper.EMPTY : JWKSUtils.getKeyWrappersForUse(set, JWK.Use.SIG, true);
        };
    }

    @Override
    public KeyWrapper key(String kid, String alg) {
        PublicKeyStorageProvider keys = session.getProvider(PublicKeyStorageProvider.class);
        return kid == null ? keys.getFirstPublicKey(modelKey, alg, loader) : keys.getPublicKey(modelKey, kid, alg, loader);
    }

    @Override
    public boolean verify(KeyWrapper key, String alg, byte[] data, byte[] signature) throws Exception {
        SignatureProvider provider = session.getProvider(SignatureProvider.class, alg);
        return provider != null && provider.isAsymmetricAlgorithm() && provider.verifier(key).verify(data, signature);
    }

    /** Fetches the JWKS again now (an admin's refresh after the transmitter rotated its keys); false when it failed. */
    boolean reload() {
        return session.getProvider(PublicKeyStorageProvider.class).reloadKeys(modelKey, loader);
    }
}
