package dev.breachresponse.keycloak.api;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.DailyFunnel;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.Funnel;
import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.IncidentStore;

/** The output shapes of an incident's figures ({@code /stats}, {@code /stats/daily}), written by hand like {@link Json}. */
final class StatsJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private StatsJson() {
    }

    /**
     * Logins let through although enforcement would have asked something, from
     * {@link IncidentStore#observed}: {@code {"flags", "logins", "byReason": {"report-only": n, "break-glass": n},
     * "wouldAsk": {"step-up": n, "enrol": n, "mailbox-proof": n, "password-change": n}}} (flags counted by their
     * latest reason and ask).
     */
    static ObjectNode observed(List<IncidentStore.Observed> rows) {
        ObjectNode n = F.objectNode();
        ObjectNode byReason = F.objectNode();
        ObjectNode wouldAsk = F.objectNode();
        long flags = 0;
        long logins = 0;
        for (IncidentStore.Observed o : rows) {
            flags += o.flags();
            logins += o.logins();
            byReason.put(o.reason(), byReason.path(o.reason()).asLong(0) + o.flags());
            wouldAsk.put(o.ask(), wouldAsk.path(o.ask()).asLong(0) + o.flags());
        }
        n.put("flags", flags);
        n.put("logins", logins);
        n.set("byReason", byReason);
        n.set("wouldAsk", wouldAsk);
        return n;
    }

    static ObjectNode funnel(Funnel f) {
        ObjectNode n = F.objectNode();
        n.put("flagged", f.flagged());
        stage(n, "open", f.state(FlagState.FLAGGED) + f.state(FlagState.STEPPED_UP), f.flagged());
        stage(n, "steppedUp", f.steppedUp(), f.flagged());
        stage(n, "enrolledDuringIncident", f.enrolled(), f.flagged());
        stage(n, "passwordChanged", f.passwordChanged(), f.flagged());
        stage(n, "remediated", f.state(FlagState.REMEDIATED), f.flagged());
        stage(n, "dismissed", f.state(FlagState.DISMISSED), f.flagged());
        ObjectNode byState = n.putObject("byState");
        for (FlagState s : FlagState.values()) {
            byState.put(s.name(), f.state(s));
        }
        return n;
    }

    private static void stage(ObjectNode n, String name, long count, long total) {
        ObjectNode s = n.putObject(name);
        s.put("count", count);
        s.put("percent", total == 0 ? 0.0 : Math.round(count * 1000.0 / total) / 10.0);
    }

    /**
     * {@code {"incidentId", "from": "YYYY-MM-DD", "days": [day…], "cumulative": [day…]}}, a day being
     * {@code {"day": "YYYY-MM-DD", "flagged", "steppedUp", "remediated", "dismissed"}} (UTC days).
     */
    static ObjectNode dailyFunnel(IncidentKey key, DailyFunnel funnel) {
        ObjectNode n = F.objectNode();
        n.put("incidentId", key.value());
        n.put("from", funnel.from().toString());
        n.set("days", days(funnel.days()));
        n.set("cumulative", days(funnel.cumulative()));
        return n;
    }

    private static ArrayNode days(List<DailyFunnel.Day> days) {
        ArrayNode a = F.arrayNode();
        for (DailyFunnel.Day d : days) {
            ObjectNode n = a.addObject();
            n.put("day", d.day().toString());
            n.put("flagged", d.flagged());
            n.put("steppedUp", d.steppedUp());
            n.put("remediated", d.remediated());
            n.put("dismissed", d.dismissed());
        }
        return a;
    }
}
