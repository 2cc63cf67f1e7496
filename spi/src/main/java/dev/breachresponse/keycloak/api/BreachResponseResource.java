package dev.breachresponse.keycloak.api;

import jakarta.ws.rs.Path;

/**
 * Root of the admin API at {@code /admin/realms/{realm}/breach-response}: sub-resource locators only, as Keycloak's
 * {@code RealmAdminResource} does. Each handler checks the caller's rights on its first line, before any lookup.
 */
public final class BreachResponseResource {

    private final AdminContext ctx;

    BreachResponseResource(AdminContext ctx) {
        this.ctx = ctx;
    }

    @Path("me")
    public MeResource me() {
        return new MeResource(ctx);
    }

    @Path("incidents")
    public IncidentsResource incidents() {
        return new IncidentsResource(ctx);
    }

    @Path("jobs")
    public JobsResource jobs() {
        return new JobsResource(ctx);
    }

    @Path("users")
    public UserFlagsResource users() {
        return new UserFlagsResource(ctx);
    }

    @Path("reminders")
    public RemindersResource reminders() {
        return new RemindersResource(ctx);
    }

    @Path("setup")
    public SetupResource setup() {
        return new SetupResource(ctx);
    }

    @Path("config")
    public ConfigResource config() {
        return new ConfigResource(ctx);
    }

    @Path("hygiene")
    public HygieneResource hygiene() {
        return new HygieneResource(ctx);
    }

    @Path("webhooks")
    public WebhooksResource webhooks() {
        return new WebhooksResource(ctx);
    }

    @Path("logouts")
    public LogoutsResource logouts() {
        return new LogoutsResource(ctx);
    }

    @Path("alerts")
    public AlertsResource alerts() {
        return new AlertsResource(ctx);
    }

    @Path("ssf/receivers")
    public SsfReceiversResource ssfReceivers() {
        return new SsfReceiversResource(ctx);
    }
}
