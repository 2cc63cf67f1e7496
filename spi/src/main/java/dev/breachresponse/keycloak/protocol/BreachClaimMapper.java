package dev.breachresponse.keycloak.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.IDToken;

import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.UnflaggedMark;

/**
 * Tells relying parties where the user stands, e.g. {@code "breach_response": {"flagged": true,
 * "remediated": false}}: a developer portal can hold back API-key creation while {@code flagged} is true.
 * flagged: an open flag (FLAGGED or STEPPED_UP); remediated: flags exist, none open, one REMEDIATED. When the
 * flags cannot be read the claim says flagged (fail closed).
 */
public final class BreachClaimMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper {

    private static final Logger LOG = Logger.getLogger(BreachClaimMapper.class);

    public static final String ID = "oidc-breach-response-mapper";

    public static final String DEFAULT_CLAIM = "breach_response";

    private static final List<ProviderConfigProperty> CONFIG = new ArrayList<>();

    static {
        OIDCAttributeMapperHelper.addTokenClaimNameConfig(CONFIG);
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(CONFIG, BreachClaimMapper.class);
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Breach response status";
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getHelpText() {
        return "Adds {\"flagged\": bool, \"remediated\": bool} for the user's breach flags (Breach Response).";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mappingModel, UserSessionModel userSession,
                            KeycloakSession session, ClientSessionContext clientSessionCtx) {
        String claim = mappingModel.getConfig().get(OIDCAttributeMapperHelper.TOKEN_CLAIM_NAME);
        if (claim == null || claim.isBlank()) {
            claim = DEFAULT_CLAIM;
        }
        token.getOtherClaims().put(claim, status(session, userSession));
    }

    static Map<String, Object> status(KeycloakSession session, UserSessionModel userSession) {
        Map<String, Object> out = new LinkedHashMap<>();
        boolean flagged;
        boolean remediated;
        RealmModel realm = userSession.getRealm();
        UserModel user = userSession.getUser();
        try {
            if (UnflaggedMark.holdsNoFlagAtAll(session, realm, user)) {
                // a read on this node found no flag since Keycloak last cached the user (every flag inserted evicts it)
                flagged = false;
                remediated = false;
            } else {
                List<Flag> flags = session.getProvider(IncidentStore.class).flagsOfUser(realm, user.getId());
                flagged = flags.stream().anyMatch(f -> f.state().isOpen());
                remediated = !flagged && flags.stream().anyMatch(f -> f.state() == FlagState.REMEDIATED);
                if (flags.isEmpty()) {
                    UnflaggedMark.setNoFlagAtAll(session, realm, user);
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "breach-response: could not read flags for the token claim in realm %s; claiming flagged", realm.getName());
            flagged = true;
            remediated = false;
        }
        out.put("flagged", flagged);
        out.put("remediated", remediated);
        return out;
    }

    /** A mapper model for setup and realm imports. */
    public static ProtocolMapperModel create(String name) {
        ProtocolMapperModel m = new ProtocolMapperModel();
        m.setName(name);
        m.setProtocolMapper(ID);
        m.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        Map<String, String> c = new LinkedHashMap<>();
        c.put(OIDCAttributeMapperHelper.TOKEN_CLAIM_NAME, DEFAULT_CLAIM);
        c.put(OIDCAttributeMapperHelper.INCLUDE_IN_ACCESS_TOKEN, "true");
        c.put(OIDCAttributeMapperHelper.INCLUDE_IN_ID_TOKEN, "true");
        c.put(OIDCAttributeMapperHelper.INCLUDE_IN_USERINFO, "true");
        c.put(OIDCAttributeMapperHelper.INCLUDE_IN_INTROSPECTION, "true");
        m.setConfig(c);
        return m;
    }
}
