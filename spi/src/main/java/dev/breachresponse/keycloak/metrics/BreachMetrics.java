package dev.breachresponse.keycloak.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

import org.keycloak.models.KeycloakSession;

import dev.breachresponse.keycloak.incident.Job;
import dev.breachresponse.keycloak.incident.JobState;
import dev.breachresponse.keycloak.incident.SsfReceivers;
import dev.breachresponse.keycloak.support.AfterCommit;

/**
 * The extension's counters and timers, on Micrometer's global registry, which Keycloak's Quarkus runtime exposes on
 * the management port ({@code GET :9000/metrics}, Prometheus text format) when the server runs with
 * {@code --metrics-enabled=true}; without it they cost a no-op increment. Every tag has a fixed set of values, so
 * the number of series is bounded. The gauges (open flags, outbox rows) are {@link MetricsRefresher}'s. Names as
 * Prometheus shows them:
 * <ul>
 *   <li>{@code keycloak_breach_enforcement_checks_total{result}}: each evaluation of the breach condition or
 *       step-up at login, {@code result} = {@code not_flagged}, {@code flagged}, {@code failed_closed} (the flag store
 *       could not be read: enforcement fails closed and asks every user for a second factor). Keycloak may evaluate a
 *       flow's conditions more than once in one login (once per submitted form), so this counts checks, not logins.</li>
 *   <li>{@code keycloak_breach_login_decisions_total{decision}}: what enforcement did in a login of a flagged user,
 *       each decision at most once per login (one login may count {@code challenged} then {@code stepped_up}): {@code challenged} (asked for a second factor), {@code stepped_up} (passed it), {@code enrolment} (sent to
 *       enrol one), {@code observed} (let through: report-only incident or break-glass member), {@code denied}
 *       (refused: direct grant without a valid code, login without enforcement, store unreadable).</li>
 *   <li>{@code keycloak_breach_bulk_subjects_total{outcome}}: subjects of committed bulk chunks, {@code outcome} =
 *       {@code flagged}, {@code already_flagged}, {@code not_found}, {@code ambiguous} (dry runs not counted).</li>
 *   <li>{@code keycloak_breach_bulk_jobs_seconds{state}}: bulk jobs the worker ended (count) and their time from
 *       submission to end (sum, max), {@code state} = {@code succeeded}, {@code failed} (dry runs and cancelled jobs
 *       not counted).</li>
 *   <li>{@code keycloak_breach_webhook_deliveries_total{result}}: attempts to deliver a webhook event,
 *       {@code result} = {@code delivered} (2xx), {@code failed} (to be retried), {@code dead} (the last attempt
 *       failed, or the endpoint's URL is no longer acceptable).</li>
 *   <li>{@code keycloak_breach_password_checks_total{where, result}}: breached-password lookups, {@code where} =
 *       {@code login} (a password just typed at login) or {@code policy} (a new password, password policy
 *       {@code breached-password}), {@code result} = {@code clean}, {@code breached}, {@code unavailable} (no source
 *       could answer: the login or change went on, or was refused where {@code failClosed} is set).</li>
 *   <li>{@code keycloak_breach_user_reports_total{result}}: "This wasn't me" report posts, {@code result} =
 *       {@code reported} (acted: flagged and signed out), {@code already} (another report of the user within the hour),
 *       {@code refused} (a used, expired or invalid link).</li>
 *   <li>{@code keycloak_breach_ssf_events_total{type, outcome}}: Security Event Tokens received by Shared Signals
 *       receivers, {@code type} = the last segment of a known event type ({@code credential-compromise},
 *       {@code session-revoked}, …) or {@code other}, {@code outcome} = {@code applied}, {@code recorded},
 *       {@code not_found}, {@code ambiguous}, {@code ignored}, {@code verified}, {@code duplicate}, {@code refused}.</li>
 * </ul>
 */
public final class BreachMetrics {

    /** The results of one enforcement check. */
    public enum Check { NOT_FLAGGED, FLAGGED, FAILED_CLOSED }

    /** What enforcement did in one login of a flagged user. */
    public enum Decision { CHALLENGED, STEPPED_UP, ENROLMENT, OBSERVED, DENIED }

    /** The result of one webhook delivery attempt. */
    public enum Delivery { DELIVERED, FAILED, DEAD }

    /** Where a breached-password lookup happened. */
    public enum PasswordCheckAt { LOGIN, POLICY }

    /** What a breached-password lookup found. */
    public enum PasswordCheck { CLEAN, BREACHED, UNAVAILABLE }

    /** What a posted user report did. */
    public enum UserReport { REPORTED, ALREADY, REFUSED }

    /** Outcomes of bulk subjects, as counted in {@link Job.Counts}. */
    enum Outcome { FLAGGED, ALREADY_FLAGGED, NOT_FOUND, AMBIGUOUS }

    private static final Map<Check, Counter> CHECKS = counters(Check.class, "keycloak.breach.enforcement.checks", "result",
            "Evaluations of breach enforcement at login, by result");
    private static final Map<Decision, Counter> DECISIONS = counters(Decision.class, "keycloak.breach.login.decisions", "decision",
            "What breach enforcement did in a login of a flagged user");
    private static final Map<Outcome, Counter> SUBJECTS = counters(Outcome.class, "keycloak.breach.bulk.subjects", "outcome",
            "Subjects of committed bulk flag chunks, by outcome");
    private static final Map<JobState, Timer> JOBS = jobTimers();
    private static final Map<Delivery, Counter> DELIVERIES = counters(Delivery.class, "keycloak.breach.webhook.deliveries", "result",
            "Webhook delivery attempts, by result");

    private static final Map<PasswordCheckAt, Map<PasswordCheck, Counter>> PASSWORD_CHECKS = passwordChecks();
    private static final Map<UserReport, Counter> USER_REPORTS = counters(UserReport.class, "keycloak.breach.user.reports", "result",
            "\"This wasn't me\" report posts, by result");

    private BreachMetrics() {
    }

    private static final Map<String, Counter> SSF_EVENTS = new ConcurrentHashMap<>();

    static {
        // the series of type "other" exist from the start, so dashboards and alerts find the metric before any SET
        for (SsfReceivers.Outcome o : SsfReceivers.Outcome.values()) {
            if (o != SsfReceivers.Outcome.ACCEPTED) { // a step, not an end: counted as what it became
                ssfCounter("other", o.name().toLowerCase(Locale.ROOT));
            }
        }
    }

    /**
     * Counts a received SET once its transaction has committed: {@code type} a bounded label (the last segment of a
     * known event type, or {@code other}), {@code outcome} an outcome name of the receiver's log.
     */
    public static void ssfEventAfterCommit(KeycloakSession session, String type, String outcome) {
        Counter c = ssfCounter(type.toLowerCase(Locale.ROOT), outcome.toLowerCase(Locale.ROOT));
        AfterCommit.run(session, c::increment);
    }

    private static Counter ssfCounter(String type, String outcome) {
        return SSF_EVENTS.computeIfAbsent(type + "|" + outcome, k -> Counter.builder("keycloak.breach.ssf.events")
                .description("Security Event Tokens received by Shared Signals receivers, by event type and outcome")
                .tag("type", type).tag("outcome", outcome).register(Metrics.globalRegistry));
    }

    /** Counts a report post once its transaction has committed (a report that rolled back did nothing). */
    public static void userReportAfterCommit(KeycloakSession session, UserReport result) {
        AfterCommit.run(session, () -> USER_REPORTS.get(result).increment());
    }

    public static void passwordCheck(PasswordCheckAt where, PasswordCheck result) {
        PASSWORD_CHECKS.get(where).get(result).increment();
    }

    public static void check(Check result) {
        CHECKS.get(result).increment();
    }

    public static void decision(Decision decision) {
        DECISIONS.get(decision).increment();
    }

    /**
     * Counts a chunk's outcomes once its transaction has committed (a rolled-back chunk is repeated, not counted);
     * a dry run's are not counted (the console dry-runs every list before flagging it).
     */
    public static void chunkAfterCommit(KeycloakSession session, Job job, Job.Counts chunk) {
        if (job.dryRun()) {
            return;
        }
        AfterCommit.run(session, () -> {
            SUBJECTS.get(Outcome.FLAGGED).increment(chunk.flagged());
            SUBJECTS.get(Outcome.ALREADY_FLAGGED).increment(chunk.alreadyFlagged());
            SUBJECTS.get(Outcome.NOT_FOUND).increment(chunk.notFound());
            SUBJECTS.get(Outcome.AMBIGUOUS).increment(chunk.ambiguous());
        });
    }

    /** Counts a webhook delivery attempt once its result is committed. */
    public static void deliveryAfterCommit(KeycloakSession session, Delivery result) {
        deliveriesAfterCommit(session, result, 1);
    }

    /** Records {@code n} webhook deliveries ending in {@code result} (a parked staged row's events) once committed. */
    public static void deliveriesAfterCommit(KeycloakSession session, Delivery result, long n) {
        AfterCommit.run(session, () -> DELIVERIES.get(result).increment(n));
    }

    /** Records a job that ended in {@code state} once the transaction that ends it has committed (not a dry run). */
    public static void jobEndedAfterCommit(KeycloakSession session, Job job, JobState state, long now) {
        Timer timer = JOBS.get(state);
        if (timer != null && !job.dryRun()) {
            AfterCommit.run(session, () -> timer.record(Duration.ofMillis(Math.max(0, now - job.createdAt()))));
        }
    }

    private static <E extends Enum<E>> Map<E, Counter> counters(Class<E> kind, String name, String tag, String description) {
        Map<E, Counter> out = new EnumMap<>(kind);
        for (E value : kind.getEnumConstants()) {
            out.put(value, Counter.builder(name).description(description).tag(tag, value.name().toLowerCase(Locale.ROOT))
                    .register(Metrics.globalRegistry));
        }
        return out;
    }

    private static Map<PasswordCheckAt, Map<PasswordCheck, Counter>> passwordChecks() {
        Map<PasswordCheckAt, Map<PasswordCheck, Counter>> out = new EnumMap<>(PasswordCheckAt.class);
        for (PasswordCheckAt where : PasswordCheckAt.values()) {
            Map<PasswordCheck, Counter> results = new EnumMap<>(PasswordCheck.class);
            for (PasswordCheck result : PasswordCheck.values()) {
                results.put(result, Counter.builder("keycloak.breach.password.checks").description("Breached-password lookups, by place and result")
                        .tag("where", where.name().toLowerCase(Locale.ROOT)).tag("result", result.name().toLowerCase(Locale.ROOT))
                        .register(Metrics.globalRegistry));
            }
            out.put(where, results);
        }
        return out;
    }

    private static Map<JobState, Timer> jobTimers() {
        Map<JobState, Timer> out = new EnumMap<>(JobState.class);
        for (JobState s : new JobState[] {JobState.SUCCEEDED, JobState.FAILED}) {
            out.put(s, Timer.builder("keycloak.breach.bulk.jobs").description("Bulk flag jobs ended, from submission to end")
                    .tag("state", s.name().toLowerCase(Locale.ROOT)).register(Metrics.globalRegistry));
        }
        return out;
    }
}
