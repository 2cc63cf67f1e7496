package dev.breachresponse.keycloak.reminder;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** SPI "breach-reminders": the scheduled reminder and escalation campaign (one provider, "default"). */
public final class ReminderSpi implements Spi {

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return "breach-reminders";
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return ReminderService.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return ReminderServiceFactory.class;
    }
}
