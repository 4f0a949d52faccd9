package dev.cqrs.orders.platform.schedule;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A task for {@code scheduleWithFixedDelay}: a failure never escapes (an exception would end the
 * schedule for good; the next run tries again), and an outage is logged once, as a WARNING, then
 * at FINE until a run works again, which is logged at INFO. Not five warnings a second.
 */
public final class QuietRepeat implements Runnable {

    /** One run of the task. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final Task task;
    private final Outage outage;

    /** {@code what} names the work in the log: "folding counter deltas" ("... failed", "... works again"). */
    public QuietRepeat(Logger log, String what, Task task) {
        this.task = task;
        this.outage = new Outage(log, what, " (the next run tries again)");
    }

    /**
     * The logging of an outage, a schedule's or not (a request's call to a database that may be down):
     * {@link #failed} at WARNING once, then at FINE; {@link #worked} at INFO when it works again.
     */
    public static final class Outage {

        private final Logger log;
        private final String what;
        private final String then;
        private volatile boolean failing;

        public Outage(Logger log, String what) {
            this(log, what, "");
        }

        private Outage(Logger log, String what, String then) {
            this.log = log;
            this.what = what;
            this.then = then;
        }

        public void failed(Exception e) {
            log.log(failing ? Level.FINE : Level.WARNING, what + " failed" + then + ": " + e);
            failing = true;
        }

        public void worked() {
            if (failing) {
                failing = false;
                log.info(what + " works again");
            }
        }
    }

    @Override
    public void run() {
        try {
            task.run();
            outage.worked();
        } catch (Exception e) {
            outage.failed(e);
        }
    }
}
