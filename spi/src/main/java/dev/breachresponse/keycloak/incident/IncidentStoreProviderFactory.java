package dev.breachresponse.keycloak.incident;

import org.keycloak.provider.ProviderFactory;

/** Factory type of the incident-store SPI. */
public interface IncidentStoreProviderFactory extends ProviderFactory<IncidentStore> {
}
