package dev.breachresponse.keycloak.setup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.keycloak.authentication.authenticators.resetcred.ResetCredentialEmail;
import org.keycloak.models.AdminRoles;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.Constants;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.mappers.AmrProtocolMapper;
import dev.breachresponse.keycloak.authn.BreachMailboxActionFactory;
import dev.breachresponse.keycloak.authn.BreachNoticeActionFactory;
import dev.breachresponse.keycloak.authn.EnforcementBackstopFactory;
import dev.breachresponse.keycloak.authn.BreachChooseFactorActionFactory;
import dev.breachresponse.keycloak.authn.BreachVerifyActionFactory;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.Factor;
import dev.breachresponse.keycloak.protocol.BreachClaimMapper;


/**
 * {@code POST /breach-response/setup}: makes a realm enforce breach flags on every path it can patch, and says
 * what it changed and what it could not patch. Idempotent: a second run changes nothing.
 */
public final class BreachSetup {

    public static final String CLIENT_SCOPE = "breach-response";

    /**
     * What setup did; {@code changes} is empty on a second run. {@code consoleUrl}: where the realm's incident console
     * is served (its client's one redirect URI, {@link ConsoleClient#url}).
     */
    public record Report(List<String> changes, List<String> warnings, boolean adminEventsEnabled, Map<String, String> flows,
                         String consoleUrl) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final List<String> changes = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    public BreachSetup(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    public Report run() {
        requiredActions();
        flows();
        identityProviders();
        smtp();
        // before clientScope(), so that a new console client gets the breach-response scope in this same run
        String consoleUrl = ConsoleClient.ensure(session, realm, changes);
        clientScope();
        for (EnforcementAudit.EntryPoint gap : new EnforcementAudit(session, realm).gaps()) {
            warnings.add(gap.detail());
        }
        breakGlass();
        if (!realm.isAdminEventsEnabled()) {
            warnings.add("Admin events are disabled in this realm: flag jobs, setup and config changes are not stored as admin events. Enable them under Realm settings > Events > Admin events settings.");
        }
        return new Report(List.copyOf(changes), List.copyOf(warnings), realm.isAdminEventsEnabled(), Map.of(
                "browser", realm.getBrowserFlow().getAlias(),
                "directGrant", realm.getDirectGrantFlow().getAlias(),
                "resetCredentials", realm.getResetCredentialsFlow().getAlias()), consoleUrl);
    }

    private void requiredActions() {
        int max = realm.getRequiredActionProvidersStream().mapToInt(RequiredActionProviderModel::getPriority).max().orElse(0);
        ensureAction(EnforcementBackstopFactory.ID, "Breach enforcement backstop", EnforcementBackstopFactory.PRIORITY);
        ensureAction(BreachNoticeActionFactory.ID, "Breach notice", -1000);
        ensureAction(BreachMailboxActionFactory.ID, "Breach mailbox proof", max + 10);
        // after Keycloak's own actions (UPDATE_PASSWORD): the chosen enrolment, queued by it, runs next
        ensureAction(BreachChooseFactorActionFactory.ID, "Breach factor choice", max + 20);
        ensureAction(BreachVerifyActionFactory.ID, "Breach verification", 1_000_000);
        String enrol = Factor.byKey(Enforcement.settings(session, realm).enrolmentFactor()).orElse(Factor.OTP).enrolAction;
        RequiredActionProviderModel m = realm.getRequiredActionProviderByAlias(enrol);
        if (m == null) {
            warnings.add("The enrolment required action " + enrol + " is not registered in this realm: flagged users without a second factor cannot log in until it is.");
        } else if (!m.isEnabled()) {
            m.setEnabled(true);
            realm.updateRequiredActionProvider(m);
            changes.add("Enabled required action " + enrol + " (enrolment of the realm's enrolment factor)");
        }
        if (!realm.getRequiredActionProviderByAlias(UserModel.RequiredAction.UPDATE_PASSWORD.name()).isEnabled()) {
            warnings.add("Required action UPDATE_PASSWORD is disabled: users of incidents that exposed passwords cannot complete remediation.");
        }
    }

    private void ensureAction(String alias, String name, int priority) {
        RequiredActionProviderModel m = realm.getRequiredActionProviderByAlias(alias);
        if (m == null) {
            m = new RequiredActionProviderModel();
            m.setAlias(alias);
            m.setProviderId(alias);
            m.setName(name);
            m.setEnabled(true);
            m.setDefaultAction(false);
            m.setPriority(priority);
            realm.addRequiredActionProvider(m);
            changes.add("Registered required action " + alias);
        } else if (!m.isEnabled() || m.getPriority() != priority && (alias.equals(BreachNoticeActionFactory.ID) || alias.equals(EnforcementBackstopFactory.ID))) {
            m.setEnabled(true);
            m.setPriority(priority);
            realm.updateRequiredActionProvider(m);
            changes.add("Enabled required action " + alias);
        }
    }

    private void flows() {
        FlowSetup flows = new FlowSetup(realm);
        if (flows.ensure(realm.getBrowserFlow(), realm::setBrowserFlow)) {
            changes.add("Bound browser flow '" + realm.getBrowserFlow().getAlias() + "' (a copy of the previous one with the breach step-up after it)");
        }
        if (flows.ensure(realm.getDirectGrantFlow(), realm::setDirectGrantFlow)) {
            changes.add("Bound direct grant flow '" + realm.getDirectGrantFlow().getAlias() + "'");
        }
        for (AuthenticationFlowModel bound : List.of(realm.getBrowserFlow(), realm.getDirectGrantFlow())) {
            int added = flows.addPasswordChecks(bound);
            if (added > 0) {
                changes.add("Added the breached-password check after " + added + " password check(s) of flow '" + bound.getAlias() + "'");
            }
        }
        if (!flows.hasStepUp(realm.getResetCredentialsFlow())) {
            realm.setResetCredentialsFlow(flows.insertAfter(realm.getResetCredentialsFlow(), ResetCredentialEmail.PROVIDER_ID));
            changes.add("Bound reset credentials flow '" + realm.getResetCredentialsFlow().getAlias() + "'");
        }
    }

    private void identityProviders() {
        List<IdentityProviderModel> idps = session.identityProviders().getAllStream().toList();
        if (idps.isEmpty()) {
            return;
        }
        FlowSetup flows = new FlowSetup(realm);
        var ours = realm.getFlowByAlias(FlowSetup.ALIAS_PREFIX + "post broker login");
        for (IdentityProviderModel idp : idps) {
            String current = idp.getPostBrokerLoginFlowId();
            if (current != null && !current.isBlank()) {
                // the admin's own post-broker-login flow: left as is (the audit below says when it lacks the step-up)
                continue;
            }
            if (ours == null) {
                ours = flows.postBrokerLogin();
                changes.add("Created post-broker-login flow '" + ours.getAlias() + "'");
            }
            idp.setPostBrokerLoginFlowId(ours.getId());
            session.identityProviders().update(idp);
            changes.add("Set the post-broker-login flow of identity provider '" + idp.getAlias() + "'");
        }
    }

    /**
     * Themes are left alone: the breach pages and emails reach every login and email theme through the jar's
     * theme-resources (Keycloak's {@code ExtendingTheme} falls back to {@code ThemeResourceProvider}s), so the realm
     * keeps its own branding. Only a missing SMTP server is worth a warning here.
     */
    private void smtp() {
        if (realm.getSmtpConfig() == null || realm.getSmtpConfig().get("host") == null) {
            warnings.add("No SMTP server is configured: mailbox proofs, factor-added emails and reminders cannot be sent.");
        }
    }

    private void clientScope() {
        ClientScopeModel scope = realm.getClientScopesStream().filter(s -> CLIENT_SCOPE.equals(s.getName())).findFirst().orElse(null);
        if (scope == null) {
            scope = realm.addClientScope(CLIENT_SCOPE);
            scope.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
            scope.setDescription("Breach Response: breach_response claim and amr (step-up) in tokens");
            scope.setIncludeInTokenScope(false);
            scope.addProtocolMapper(BreachClaimMapper.create("breach response status"));
            ProtocolMapperModel amr = AmrProtocolMapper.create("breach response amr", true, true);
            scope.addProtocolMapper(amr);
            realm.addDefaultClientScope(scope, true);
            changes.add("Created client scope '" + CLIENT_SCOPE + "' (breach_response claim, amr) as a realm default scope");
        }
        int added = 0;
        for (ClientModel client : realm.getClientsStream().toList()) {
            if (!OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol()) || client.isBearerOnly()) {
                continue;
            }
            if (!client.getClientScopes(true).containsKey(CLIENT_SCOPE) && !client.getClientScopes(false).containsKey(CLIENT_SCOPE)) {
                client.addClientScope(scope, true);
                added++;
            }
        }
        if (added > 0) {
            changes.add("Added client scope '" + CLIENT_SCOPE + "' to " + added + " OIDC client(s) as a default scope");
        }
    }

    /** Without an exclusion, flagged realm admins meet enforcement like everyone: say so, with how many there are. */
    private void breakGlass() {
        if (!Enforcement.settings(session, realm).breakGlass().isEmpty()) {
            return;
        }
        ClientModel management = realm.getClientByClientId(Constants.REALM_MANAGEMENT_CLIENT_ID);
        var admin = management == null ? null : management.getRole(AdminRoles.REALM_ADMIN);
        long admins = admin == null ? 0 : session.users().getRoleMembersStream(realm, admin, 0, 1000).count();
        warnings.add("No break-glass exclusion is set: flagged realm admins (" + admins + " user(s) hold realm-admin directly) are"
                + " challenged, escalated and disabled like everyone, so a lost factor can lock every emergency account out. Keep one or"
                + " two dedicated emergency accounts in a group of their own and name it: PUT .../breach-response/config"
                + " {\"breakGlass\": {\"groups\": [\"/break-glass\"]}} (not an admin role: the admins are what phishers want).");
    }
}
