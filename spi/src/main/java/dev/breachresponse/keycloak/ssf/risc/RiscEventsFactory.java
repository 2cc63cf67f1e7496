package dev.breachresponse.keycloak.ssf.risc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.keycloak.Config;
import org.keycloak.common.Profile;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.ssf.event.SsfEvent;
import org.keycloak.ssf.event.SsfEventProviderFactory;

/**
 * Adds the RISC 1.0 account events to Keycloak 26.7's SSF transmitter through its public SPI {@code ssf-events}, so a
 * realm's streams can ask for them and an admin can emit them; registers {@link Downstream}, which announces this
 * extension's flags through the transmitter. A type another provider already registers is left to it (Keycloak's
 * registry keeps the last one it reads). Only with the
 * {@code ssf} feature on; Keycloak 26.4 to 26.6 have no such SPI and never load this class. The receiver does not
 * depend on it.
 */
public final class RiscEventsFactory implements SsfEventProviderFactory, EnvironmentDependentProviderFactory {

    public static final String ID = "breach-response-risc";

    static final List<Supplier<? extends RiscEvent>> TYPES = List.of(RiscEvent.CredentialCompromise::new,
            RiscEvent.AccountCredentialChangeRequired::new, RiscEvent.AccountDisabled::new, RiscEvent.AccountEnabled::new,
            RiscEvent.AccountPurged::new, RiscEvent.IdentifierChanged::new, RiscEvent.IdentifierRecycled::new, RiscEvent.RecoveryActivated::new,
            RiscEvent.RecoveryInformationChanged::new);

    private Map<String, Supplier<? extends SsfEvent>> contributed = Map.of();

    @Override
    public void init(Config.Scope config) {
        Map<String, Supplier<? extends SsfEvent>> m = new LinkedHashMap<>();
        for (Supplier<? extends RiscEvent> t : TYPES) {
            m.put(t.get().getEventType(), t);
        }
        contributed = m;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        // types that another provider contributes stay theirs
        Set<String> others = factory.getProviderFactoriesStream(org.keycloak.ssf.event.SsfEventProvider.class)
                .filter(f -> f instanceof SsfEventProviderFactory && !(f instanceof RiscEventsFactory))
                .flatMap(f -> ((SsfEventProviderFactory) f).getContributedEventFactories().keySet().stream())
                .collect(Collectors.toSet());
        Map<String, Supplier<? extends SsfEvent>> m = new LinkedHashMap<>(contributed);
        m.keySet().removeAll(others);
        contributed = m;
        // flags this extension writes become RISC and CAEP events for the transmitter's receivers
        factory.register(event -> {
            if (event instanceof dev.breachresponse.keycloak.incident.FlagsAdded f) {
                Downstream.flagged(f);
            }
        });
    }

    @Override
    public Map<String, Supplier<? extends SsfEvent>> getContributedEventFactories() {
        return contributed;
    }

    @Override
    public Set<String> getEmittableEventTypes() {
        return contributed.keySet();
    }

    @Override
    public boolean isSupported(Config.Scope config) {
        return Profile.isFeatureEnabled(Profile.Feature.SSF);
    }

    @Override
    public String getId() {
        return ID;
    }
}
