package dev.breachresponse.keycloak.it;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.StorageId;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderFactory;
import org.keycloak.storage.adapter.AbstractUserAdapterFederatedStorage;
import org.keycloak.storage.user.UserLookupProvider;
import org.keycloak.storage.user.UserRegistrationProvider;

/**
 * TEST ONLY, never shipped: a federated user store that keeps usernames in memory and imports nothing, so its
 * users have no USER_ENTITY row (like LDAP users with import off). Lets the tests prove that deleting a
 * federated user deletes its breach flags.
 */
public final class InMemoryUserStorageProviderFactory implements UserStorageProviderFactory<InMemoryUserStorageProviderFactory.Provider> {

    public static final String ID = "br-test-in-memory";

    /** component id → usernames */
    private static final Map<String, Set<String>> USERS = new ConcurrentHashMap<>();

    @Override
    public Provider create(KeycloakSession session, ComponentModel model) {
        return new Provider(session, model);
    }

    @Override
    public String getId() {
        return ID;
    }

    public static final class Provider implements UserStorageProvider, UserLookupProvider, UserRegistrationProvider {

        private final KeycloakSession session;
        private final ComponentModel model;

        Provider(KeycloakSession session, ComponentModel model) {
            this.session = session;
            this.model = model;
        }

        private Set<String> users() {
            return USERS.computeIfAbsent(model.getId(), k -> ConcurrentHashMap.newKeySet());
        }

        @Override
        public UserModel getUserById(RealmModel realm, String id) {
            return getUserByUsername(realm, new StorageId(id).getExternalId());
        }

        @Override
        public UserModel getUserByUsername(RealmModel realm, String username) {
            return users().contains(username) ? new User(session, realm, model, username) : null;
        }

        @Override
        public UserModel getUserByEmail(RealmModel realm, String email) {
            return null;
        }

        @Override
        public UserModel addUser(RealmModel realm, String username) {
            users().add(username);
            return new User(session, realm, model, username);
        }

        @Override
        public boolean removeUser(RealmModel realm, UserModel user) {
            return users().remove(user.getUsername());
        }

        @Override
        public void close() {
            // nothing held
        }
    }

    static final class User extends AbstractUserAdapterFederatedStorage {

        private String username;

        User(KeycloakSession session, RealmModel realm, ComponentModel model, String username) {
            super(session, realm, model);
            this.username = username;
        }

        @Override
        public String getUsername() {
            return username;
        }

        @Override
        public void setUsername(String username) {
            this.username = username;
        }
    }
}
