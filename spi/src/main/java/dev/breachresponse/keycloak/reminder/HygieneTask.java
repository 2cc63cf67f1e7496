package dev.breachresponse.keycloak.reminder;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.timer.ScheduledTask;

/**
 * One slice of the hygiene walk, under the cluster lock and in the timer's transaction (database work only);
 * after commit the sender runs on Keycloak's executor, as for reminders.
 */
final class HygieneTask implements ScheduledTask {

    private static final Logger LOG = Logger.getLogger(HygieneTask.class);

    private final ReminderServiceFactory factory;

    HygieneTask(ReminderServiceFactory factory) {
        this.factory = factory;
    }

    @Override
    public void run(KeycloakSession session) {
        long t0 = System.nanoTime();
        Hygiene.Walked w = Hygiene.walk(session, null, Time.currentTimeMillis(), factory.settings().hygieneBatchSize(), new Audit(session));
        if (w.users() > 0) {
            LOG.debugf("breach-response hygiene: walked %d users in %d realms, queued %d emails in %d ms",
                    w.users(), w.realms(), w.queued(), (System.nanoTime() - t0) / 1_000_000);
        }
        if (w.queued() > 0) {
            factory.kickSenderAfterCommit(session);
        }
    }

    @Override
    public String getTaskName() {
        return ReminderServiceFactory.HYGIENE_TASK;
    }
}
