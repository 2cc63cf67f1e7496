package dev.breachresponse.keycloak.reminder;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.timer.ScheduledTask;

/**
 * One tick, under the cluster lock and in the timer's transaction: plan a bounded slice of due flags (database
 * work only), then, after commit, hand the sending to an executor so the timer thread is never held by SMTP.
 */
final class ReminderTask implements ScheduledTask {

    private static final Logger LOG = Logger.getLogger(ReminderTask.class);

    private final ReminderServiceFactory factory;

    ReminderTask(ReminderServiceFactory factory) {
        this.factory = factory;
    }

    @Override
    public void run(KeycloakSession session) {
        long t0 = System.nanoTime();
        Campaign.Planned p = Campaign.plan(session, null, Time.currentTimeMillis(), factory.settings(), new Audit(session));
        if (p.looked() > 0) {
            LOG.debugf("breach-response reminders: looked at %d due flags, queued %d, deferred %d, escalated %d in %d ms",
                    p.looked(), p.remindersQueued(), p.deferred(), p.escalated(), (System.nanoTime() - t0) / 1_000_000);
        }
        factory.kickSenderAfterCommit(session);
    }

    @Override
    public String getTaskName() {
        return ReminderServiceFactory.TASK;
    }
}
