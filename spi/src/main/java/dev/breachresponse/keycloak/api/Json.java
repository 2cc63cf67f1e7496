package dev.breachresponse.keycloak.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.breachresponse.keycloak.incident.IncidentKey;
import dev.breachresponse.keycloak.incident.Actor;
import dev.breachresponse.keycloak.incident.DailyFunnel;
import dev.breachresponse.keycloak.incident.IncidentActivity;
import dev.breachresponse.keycloak.incident.IncidentRowId;
import dev.breachresponse.keycloak.incident.ListedFlag;
import dev.breachresponse.keycloak.incident.Flag;
import dev.breachresponse.keycloak.incident.FlagHistoryEntry;
import dev.breachresponse.keycloak.incident.FlagState;
import dev.breachresponse.keycloak.incident.Funnel;
import dev.breachresponse.keycloak.incident.HygieneStore;
import dev.breachresponse.keycloak.incident.IncidentStore;
import dev.breachresponse.keycloak.incident.Incident;
import dev.breachresponse.keycloak.incident.Job;
import dev.breachresponse.keycloak.incident.JobItem;
import dev.breachresponse.keycloak.incident.LogoutOutbox;
import dev.breachresponse.keycloak.incident.Nudge;
import dev.breachresponse.keycloak.incident.PolicyCodec;
import dev.breachresponse.keycloak.incident.Reminder;
import dev.breachresponse.keycloak.jobs.Subject;

/** The API's output shapes, written by hand so the wire format never follows a refactoring by accident. */
final class Json {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    static ObjectNode object() {
        return F.objectNode();
    }

    private Json() {
    }

    static ObjectNode incident(Incident i) {
        ObjectNode n = F.objectNode();
        n.put("id", i.key().value());
        n.put("title", i.title());
        n.put("description", i.description());
        ArrayNode exposed = n.putArray("exposedData");
        i.exposedData().forEach(exposed::add);
        n.set("policy", PolicyCodec.toJson(i.policy()));
        n.put("status", i.open() ? "OPEN" : "CLOSED");
        n.put("createdAt", time(i.createdAt()));
        actor(n, "createdBy", i.createdBy());
        n.put("updatedAt", time(i.updatedAt()));
        n.put("closedAt", time(i.closedAt()));
        actor(n, "closedBy", i.closedBy());
        return n;
    }

    /**
     * The incident as {@link #incident(Incident)} plus how far it got: {@code "counts"} (flags per state, every
     * state present), {@code "remediatedPercent"} (0 to 100, one decimal, of the flags not dismissed) and
     * {@code "lastActivityAt"} (ISO-8601: the newest history entry of its flags, or the incident's own last change
     * when newer).
     */
    static ObjectNode incident(Incident i, IncidentActivity activity) {
        ObjectNode n = incident(i);
        ObjectNode counts = n.putObject("counts");
        for (FlagState s : FlagState.values()) {
            counts.put(s.name(), activity.count(s));
        }
        n.put("remediatedPercent", activity.remediatedPercent());
        n.put("lastActivityAt", time(activity.lastActivityAt(i.updatedAt())));
        return n;
    }

    static ArrayNode incidents(List<Incident> list, Map<IncidentRowId, IncidentActivity> activity) {
        ArrayNode a = F.arrayNode();
        list.forEach(i -> a.add(incident(i, activity.getOrDefault(i.rowId(), IncidentActivity.NONE))));
        return a;
    }

    /** Flags as {@link #flag} plus the user's {@code "username"} and {@code "email"} (null without a stored user). */
    static ArrayNode listedFlags(List<ListedFlag> list) {
        ArrayNode a = F.arrayNode();
        for (ListedFlag f : list) {
            ObjectNode n = flag(f.flag());
            n.put("username", f.username());
            n.put("email", f.email());
            a.add(n);
        }
        return a;
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

    static ObjectNode flag(Flag f) {
        ObjectNode n = F.objectNode();
        n.put("incidentId", f.incidentKey().value());
        n.put("userId", f.userId());
        n.put("state", f.state().name());
        n.put("incidentOpen", f.incidentOpen());
        n.put("flaggedAt", time(f.flaggedAt()));
        actor(n, "flaggedBy", f.flaggedBy());
        n.put("steppedUpAt", time(f.steppedUpAt()));
        n.put("passwordChangedAt", time(f.passwordChangedAt()));
        n.put("remediatedAt", time(f.remediatedAt()));
        n.put("dismissedAt", time(f.dismissedAt()));
        actor(n, "dismissedBy", f.dismissedBy());
        n.put("dismissReason", f.dismissReason());
        n.put("enrolledAt", time(f.enrolledAt()));
        n.put("stepUpFactor", f.stepUpFactor());
        n.put("graceSkips", f.graceSkips());
        n.put("escalatedAt", time(f.escalatedAt()));
        ArrayNode escalated = n.putArray("escalatedActions");
        f.escalatedActions().forEach(escalated::add);
        n.put("updatedAt", time(f.updatedAt()));
        return n;
    }

    static ObjectNode reminder(Reminder r) {
        ObjectNode n = F.objectNode();
        n.put("id", r.id());
        n.put("userId", r.userId());
        n.put("kind", r.kind().name());
        n.put("step", r.step() < 0 ? null : r.step() + 1);
        n.put("state", r.state().name());
        n.put("dueAt", time(r.dueAt()));
        n.put("createdAt", time(r.createdAt()));
        n.put("sentAt", time(r.sentAt()));
        n.put("attempts", r.attempts());
        n.put("lastError", r.lastError());
        n.put("detail", r.detail());
        return n;
    }

    static ObjectNode nudge(Nudge r) {
        ObjectNode n = F.objectNode();
        n.put("id", r.id());
        n.put("userId", r.userId());
        n.put("pass", r.pass());
        r.asks().forEach(n.putArray("asks")::add);
        n.put("state", r.state().name());
        n.put("createdAt", time(r.createdAt()));
        n.put("sentAt", time(r.sentAt()));
        n.put("attempts", r.attempts());
        n.put("lastError", r.lastError());
        n.put("detail", r.detail());
        return n;
    }

    /** A back-channel logout row; {@code client} is the client's clientId (null once the client is gone). */
    static ObjectNode logout(LogoutOutbox.Entry e, String client) {
        ObjectNode n = F.objectNode();
        n.put("id", e.id());
        n.put("client", client);
        n.put("userId", e.userId());
        n.put("state", e.state().name());
        n.put("createdAt", time(e.createdAt()));
        n.put("sentAt", time(e.sentAt()));
        n.put("attempts", e.attempts());
        n.put("nextAttemptAt", time(e.nextAttemptAt()));
        n.put("lastError", e.lastError());
        return n;
    }

    static ObjectNode walk(HygieneStore.Walk w) {
        ObjectNode n = F.objectNode();
        n.put("pass", w.pass());
        n.put("walking", w.cursorId() != null);
        n.put("passStartedAt", w.passStartedAt() == null ? null : time(w.passStartedAt()));
        n.put("passFinishedAt", w.passFinishedAt() == null ? null : time(w.passFinishedAt()));
        n.put("walked", w.walked());
        n.put("queued", w.queued());
        return n;
    }

    static ArrayNode flags(List<Flag> list) {
        ArrayNode a = F.arrayNode();
        list.forEach(f -> a.add(flag(f)));
        return a;
    }

    static ArrayNode history(List<FlagHistoryEntry> list) {
        ArrayNode a = F.arrayNode();
        for (FlagHistoryEntry h : list) {
            ObjectNode n = a.addObject();
            n.put("seq", h.seq());
            n.put("kind", h.kind().name());
            n.put("from", h.from() == null ? null : h.from().name());
            n.put("to", h.to() == null ? null : h.to().name());
            n.put("at", time(h.at()));
            actor(n, "actor", h.actor());
            n.put("cause", h.cause());
            n.put("detail", h.detail());
        }
        return a;
    }

    static ObjectNode job(Job j, IncidentKey incidentKey) {
        ObjectNode n = F.objectNode();
        n.put("id", j.id());
        n.put("incidentId", incidentKey == null ? null : incidentKey.value());
        n.put("state", j.state().name());
        n.put("dryRun", j.dryRun());
        ObjectNode c = n.putObject("counts");
        c.put("submitted", j.counts().submitted());
        c.put("flagged", j.counts().flagged());
        c.put("alreadyFlagged", j.counts().alreadyFlagged());
        c.put("notFound", j.counts().notFound());
        c.put("invalid", j.counts().invalid());
        c.put("ambiguous", j.counts().ambiguous());
        c.put("sessionsRevoked", j.counts().sessionsRevoked());
        n.put("processed", j.processed());
        n.put("createdAt", time(j.createdAt()));
        actor(n, "createdBy", j.createdBy());
        n.put("startedAt", time(j.startedAt()));
        n.put("finishedAt", time(j.finishedAt()));
        n.put("error", j.error());
        ArrayNode ignored = n.putArray("ignoredColumns");
        j.ignoredColumns().forEach(ignored::add);
        return n;
    }

    static ArrayNode items(List<JobItem> items) {
        ArrayNode a = F.arrayNode();
        for (JobItem i : items) {
            ObjectNode n = a.addObject();
            n.put("seq", i.seq());
            n.put("subjectType", i.subjectType() == null ? null : i.subjectType().key());
            n.put("subject", i.subject());
            n.put("outcome", i.outcome() == null ? null : i.outcome().name());
            n.put("userId", i.userId());
            n.put("detail", i.detail());
            ObjectNode also = n.putObject("alsoGiven");
            Subject.decodeAlso(i.also()).forEach((t, v) -> also.put(t.key(), v));
        }
        return a;
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

    static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    private static void actor(ObjectNode n, String field, Actor a) {
        if (a == null) {
            n.putNull(field);
            return;
        }
        ObjectNode o = n.putObject(field);
        o.put("type", a.type().name());
        o.put("id", a.id());
    }
}
