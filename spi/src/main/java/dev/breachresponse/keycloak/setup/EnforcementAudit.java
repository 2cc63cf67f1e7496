package dev.breachresponse.keycloak.setup;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.protocol.saml.SamlConfigAttributes;
import org.keycloak.protocol.saml.SamlProtocol;

import dev.breachresponse.keycloak.authn.BreachFlaggedConditionFactory;
import dev.breachresponse.keycloak.authn.BreachMailboxActionFactory;
import dev.breachresponse.keycloak.authn.BreachNoticeActionFactory;
import dev.breachresponse.keycloak.authn.BreachPasswordCheckFactory;
import dev.breachresponse.keycloak.authn.BreachVerifyActionFactory;
import dev.breachresponse.keycloak.authn.EnforcementBackstopFactory;
import dev.breachresponse.keycloak.incident.Enforcement;
import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.IncidentStore;

/**
 * Checks, as the realm is now, every entry point a login can take for the breach step-up: the realm's browser,
 * direct-grant and reset-credentials bindings, each identity provider's post-broker-login flow, each client's
 * flow overrides, the breach required actions (the backstop among them), and the protocols no flow covers
 * (CIBA, SAML ECP, docker). What setup reports after patching and what {@code GET .../setup} answers; a realm
 * changed after setup (a new identity provider, a flow rebound, a client override, an import) shows up here.
 */
public final class EnforcementAudit {

    /**
     * One entry point.
     *
     * @param kind    {@code flow-binding}, {@code identity-provider}, {@code client-override}, {@code required-action},
     *                {@code protocol}, {@code condition}, {@code password-check} (only while the realm checks passwords at
     *                login: a password form with no breached-password check right after it)
     * @param name    the binding ({@code browser}, {@code directGrant}, {@code resetCredentials}), the identity
     *                provider alias, {@code clientId/binding}, the required action alias, the protocol, or the
     *                condition's config alias
     * @param flow    the flow alias it runs, when it runs one
     * @param covered true when the breach step-up runs there (or, for a required action, it is registered and enabled)
     * @param detail  what the admin should do, when not covered
     */
    public record EntryPoint(String kind, String name, String flow, boolean covered, String detail) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final FlowSetup flows;

    public EnforcementAudit(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.flows = new FlowSetup(realm);
    }

    /** Every entry point, covered or not, in a stable order. */
    public List<EntryPoint> entryPoints() {
        List<EntryPoint> out = new ArrayList<>();
        binding(out, "browser", realm.getBrowserFlow());
        binding(out, "directGrant", realm.getDirectGrantFlow());
        binding(out, "resetCredentials", realm.getResetCredentialsFlow());
        session.identityProviders().getAllStream().forEach(idp -> identityProvider(out, idp));
        realm.getClientsStream().forEach(client -> client(out, client));
        conditions(out, entryFlows());
        passwordChecks(out);
        requiredAction(out, EnforcementBackstopFactory.ID, "the backstop that refuses flagged users on paths without the step-up");
        requiredAction(out, BreachNoticeActionFactory.ID, "the breach notice page");
        requiredAction(out, BreachVerifyActionFactory.ID, "the verification after enrolment");
        requiredAction(out, BreachMailboxActionFactory.ID, "the mailbox proof when a password was exposed");
        if (realm.getDockerAuthenticationFlow() != null && realm.getClientsStream().anyMatch(c -> "docker-v2".equals(c.getProtocol()))) {
            out.add(new EntryPoint("protocol", "docker-v2", realm.getDockerAuthenticationFlow().getAlias(), false,
                    "Docker registry clients use the docker authentication flow '" + realm.getDockerAuthenticationFlow().getAlias()
                            + "', which runs neither the breach step-up nor required actions: flagged users are not stepped up there."));
        }
        return out;
    }

    /** The flows a login starts in: the realm's bindings, identity providers' login flows, clients' overrides. */
    private List<AuthenticationFlowModel> entryFlows() {
        List<AuthenticationFlowModel> out = new ArrayList<>();
        out.add(realm.getBrowserFlow());
        out.add(realm.getDirectGrantFlow());
        out.add(realm.getResetCredentialsFlow());
        session.identityProviders().getAllStream().forEach(idp -> {
            out.add(flowById(idp.getFirstBrokerLoginFlowId()));
            out.add(flowById(idp.getPostBrokerLoginFlowId()));
        });
        realm.getClientsStream().forEach(c -> c.getAuthenticationFlowBindingOverrides().values().forEach(id -> out.add(flowById(id))));
        return out;
    }

    private AuthenticationFlowModel flowById(String id) {
        return id == null || id.isBlank() ? null : realm.getAuthenticationFlowById(id);
    }

    /** The entry points without the step-up. */
    public List<EntryPoint> gaps() {
        return entryPoints().stream().filter(e -> !e.covered()).toList();
    }

    private void binding(List<EntryPoint> out, String name, AuthenticationFlowModel flow) {
        boolean covered = flows.hasStepUp(flow);
        out.add(new EntryPoint("flow-binding", name, flow == null ? null : flow.getAlias(), covered,
                covered ? null : "The realm's " + name + " flow '" + (flow == null ? "" : flow.getAlias())
                        + "' has no breach step-up: run setup again, or add the 'breach step-up' sub-flow."));
    }

    private void identityProvider(List<EntryPoint> out, IdentityProviderModel idp) {
        String id = idp.getPostBrokerLoginFlowId();
        AuthenticationFlowModel flow = id == null || id.isBlank() ? null : realm.getAuthenticationFlowById(id);
        boolean covered = flows.hasStepUp(flow);
        out.add(new EntryPoint("identity-provider", idp.getAlias(), flow == null ? null : flow.getAlias(), covered,
                covered ? null : flow == null
                        ? "Identity provider '" + idp.getAlias() + "' has no post-broker-login flow: run setup again to set the breach one."
                        : "Identity provider '" + idp.getAlias() + "' has its own post-broker-login flow '" + flow.getAlias()
                                + "' without the breach step-up: add the 'breach step-up' sub-flow to it."));
    }

    private void client(List<EntryPoint> out, ClientModel client) {
        for (Map.Entry<String, String> o : client.getAuthenticationFlowBindingOverrides().entrySet()) {
            AuthenticationFlowModel flow = realm.getAuthenticationFlowById(o.getValue());
            boolean covered = flows.hasStepUp(flow);
            out.add(new EntryPoint("client-override", client.getClientId() + "/" + o.getKey(), flow == null ? o.getValue() : flow.getAlias(), covered,
                    covered ? null : "Client '" + client.getClientId() + "' overrides its " + o.getKey() + " flow with '"
                            + (flow == null ? o.getValue() : flow.getAlias())
                            + "', which has no breach step-up: bind a breach-response copy or remove the override (the backstop refuses flagged users there meanwhile)."));
        }
        if (realm.getCibaPolicy().isOIDCCIBAGrantEnabled(client)) {
            out.add(new EntryPoint("protocol", client.getClientId() + "/ciba", null, false,
                    "Client '" + client.getClientId() + "' allows CIBA: CIBA logins are authenticated by an external device, not by a Keycloak flow; flagged users are not stepped up there."));
        }
        if (SamlProtocol.LOGIN_PROTOCOL.equals(client.getProtocol()) && Boolean.parseBoolean(client.getAttribute(SamlConfigAttributes.SAML_ALLOW_ECP_FLOW))) {
            out.add(new EntryPoint("protocol", client.getClientId() + "/saml-ecp", null, false,
                    "SAML client '" + client.getClientId() + "' allows the ECP profile, which authenticates without the browser flow: flagged users are not stepped up there."));
        }
    }

    /**
     * A "Condition - breach flagged" limited to incidents none of which exists in the realm never holds: every
     * flagged user passes that flow without the step-up, and the backstop lets them through because the condition
     * ran. Reported as an entry point of kind {@code condition} that is not covered. Only conditions a login can
     * reach are looked at (the flows of {@code entryFlows} and their enabled sub-flows, enabled executions); negated
     * conditions (which then always hold), conditions without a limit and those naming at least one existing
     * incident are not listed.
     */
    private void conditions(List<EntryPoint> out, Collection<AuthenticationFlowModel> entryFlows) {
        IncidentStore store = session.getProvider(IncidentStore.class);
        Set<String> seen = new HashSet<>();
        Deque<AuthenticationFlowModel> todo = new ArrayDeque<>();
        entryFlows.stream().filter(Objects::nonNull).forEach(todo::add);
        while (!todo.isEmpty()) {
            AuthenticationFlowModel flow = todo.pop();
            if (!seen.add(flow.getId())) {
                continue;
            }
            realm.getAuthenticationExecutionsStream(flow.getId())
                    .filter(e -> e.getRequirement() != Requirement.DISABLED)
                    .forEach(e -> {
                        if (e.isAuthenticatorFlow()) {
                            AuthenticationFlowModel sub = realm.getAuthenticationFlowById(e.getFlowId());
                            if (sub != null) {
                                todo.add(sub);
                            }
                            return;
                        }
                        if (!BreachFlaggedConditionFactory.ID.equals(e.getAuthenticator()) || e.getAuthenticatorConfig() == null) {
                            return;
                        }
                        AuthenticatorConfigModel config = realm.getAuthenticatorConfigById(e.getAuthenticatorConfig());
                        Set<String> named = BreachFlaggedConditionFactory.incidentsOf(config);
                        if (config == null || BreachFlaggedConditionFactory.negated(config) || named.isEmpty()
                                || named.stream().anyMatch(k -> store.findIncident(realm, new IncidentKey(k)).isPresent())) {
                            return;
                        }
                        out.add(new EntryPoint("condition", config.getAlias(), flow.getAlias(), false,
                                "The breach condition '" + config.getAlias() + "' in flow '" + flow.getAlias()
                                        + "' counts only incidents " + named + ", none of which exists in this realm: it never"
                                        + " holds, so flagged users pass this flow without the step-up. Correct the list, or"
                                        + " leave it empty to count every incident."));
                    });
        }
    }

    /**
     * While the realm checks passwords at login ({@code breachedPasswords.checkAtLogin}): for the browser and direct
     * grant bindings and the clients' overrides of them, whether every enabled password check is followed by an
     * enabled breached-password check in the same sub-flow.
     */
    private void passwordChecks(List<EntryPoint> out) {
        if (!Enforcement.settings(session, realm).breachedPasswords().checkAtLogin()) {
            return;
        }
        passwordCheck(out, "browser", realm.getBrowserFlow());
        passwordCheck(out, "directGrant", realm.getDirectGrantFlow());
        realm.getClientsStream().forEach(c -> c.getAuthenticationFlowBindingOverrides().forEach((binding, id) ->
                passwordCheck(out, c.getClientId() + "/" + binding, flowById(id))));
    }

    private void passwordCheck(List<EntryPoint> out, String name, AuthenticationFlowModel flow) {
        if (flow == null) {
            return;
        }
        String unchecked = uncheckedPassword(flow, new HashSet<>());
        out.add(new EntryPoint("password-check", name, flow.getAlias(), unchecked == null, unchecked == null ? null
                : "Passwords typed at " + unchecked + " are not checked against breached passwords: add 'Breached password check'"
                        + " (REQUIRED) right after a REQUIRED password form, or run setup again for the flows it built."));
    }

    /** The first enabled password check of the flow or its enabled sub-flows without a breached-password check right after it. */
    private String uncheckedPassword(AuthenticationFlowModel flow, Set<String> seen) {
        if (!seen.add(flow.getId())) {
            return null;
        }
        List<AuthenticationExecutionModel> executions = realm.getAuthenticationExecutionsStream(flow.getId())
                .filter(e -> e.getRequirement() != Requirement.DISABLED)
                .sorted(Comparator.comparingInt(AuthenticationExecutionModel::getPriority))
                .toList();
        for (int i = 0; i < executions.size(); i++) {
            AuthenticationExecutionModel e = executions.get(i);
            if (e.isAuthenticatorFlow()) {
                AuthenticationFlowModel sub = realm.getAuthenticationFlowById(e.getFlowId());
                String inSub = sub == null ? null : uncheckedPassword(sub, seen);
                if (inSub != null) {
                    return inSub;
                }
            } else if (BreachPasswordCheckFactory.AFTER.contains(e.getAuthenticator())) {
                if (e.getRequirement() != Requirement.REQUIRED) {
                    // a REQUIRED check beside an ALTERNATIVE form would make Keycloak skip the form: it needs a sub-flow
                    return "'" + e.getAuthenticator() + "' in flow '" + flow.getAlias() + "' (" + e.getRequirement()
                            + ": put it and the check, both REQUIRED, into a sub-flow of its own that takes its place)";
                }
                if (!FlowSetup.checkFollows(executions, i)) {
                    return "'" + e.getAuthenticator() + "' in flow '" + flow.getAlias() + "'";
                }
            }
        }
        return null;
    }

    private void requiredAction(List<EntryPoint> out, String alias, String what) {
        RequiredActionProviderModel m = realm.getRequiredActionProviderByAlias(alias);
        boolean covered = m != null && m.isEnabled();
        out.add(new EntryPoint("required-action", alias, null, covered,
                covered ? null : "Required action '" + alias + "' (" + what + ") is " + (m == null ? "not registered" : "disabled") + ": run setup again."));
    }
}
