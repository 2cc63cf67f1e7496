package dev.breachresponse.keycloak.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** {@link Drain} on real threads; latches and joins order the steps (no sleeps). */
class DrainTest {

    private static final long WAIT_SECONDS = 10;

    /** Starts each loop on a new thread and keeps the threads, so a test can join every loop that ever ran. */
    private static final class Threads implements Executor {
        final List<Thread> started = new CopyOnWriteArrayList<>();

        @Override
        public void execute(Runnable loop) {
            Thread t = new Thread(loop, "drain-test");
            started.add(t);
            t.start();
        }

        void joinAll() throws InterruptedException {
            for (Thread t : started) {
                t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                assertFalse(t.isAlive(), "a drain loop did not end");
            }
        }
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "timed out");
    }

    @Test
    void kicksDuringAPassCauseExactlyOneMorePass() throws Exception {
        Threads threads = new Threads();
        AtomicInteger passes = new AtomicInteger();
        CountDownLatch firstPassRunning = new CountDownLatch(1);
        CountDownLatch releaseFirstPass = new CountDownLatch(1);
        Drain drain = new Drain(threads, () -> {
            if (passes.incrementAndGet() == 1) {
                firstPassRunning.countDown();
                try {
                    await(releaseFirstPass);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, e -> {
            throw new AssertionError(e);
        });

        drain.kick();
        await(firstPassRunning);
        assertTrue(drain.running());
        drain.kick();
        drain.kick();
        drain.kick();
        releaseFirstPass.countDown();
        threads.joinAll();

        assertEquals(2, passes.get(), "the kicks during the first pass are served by one more pass");
        assertEquals(1, threads.started.size(), "the running loop served them; no second loop started");
        assertFalse(drain.running());
    }

    @Test
    void aKickAfterTheLoopEndedStartsANewOne() throws Exception {
        Threads threads = new Threads();
        AtomicInteger passes = new AtomicInteger();
        Drain drain = new Drain(threads, passes::incrementAndGet, e -> {
            throw new AssertionError(e);
        });

        drain.kick();
        threads.joinAll();
        drain.kick();
        threads.joinAll();

        assertEquals(2, passes.get());
        assertEquals(2, threads.started.size());
    }

    @Test
    void atMostOnePassAtATimeAndNoKickIsLost() throws Exception {
        Threads threads = new Threads();
        int kickers = 8;
        int kicksEach = 500;
        AtomicInteger requested = new AtomicInteger();
        AtomicInteger inPass = new AtomicInteger();
        AtomicInteger maxInPass = new AtomicInteger();
        AtomicInteger seenByLastPass = new AtomicInteger(-1);
        Drain drain = new Drain(threads, () -> {
            int now = inPass.incrementAndGet();
            maxInPass.accumulateAndGet(now, Math::max);
            // every kick counted before this pass started must be covered by this pass or a later one
            seenByLastPass.set(requested.get());
            Thread.yield();
            inPass.decrementAndGet();
        }, e -> {
            throw new AssertionError(e);
        });

        CyclicBarrier go = new CyclicBarrier(kickers);
        List<Thread> kicking = new ArrayList<>();
        for (int i = 0; i < kickers; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int k = 0; k < kicksEach; k++) {
                    requested.incrementAndGet();
                    drain.kick();
                }
            }, "kicker-" + i);
            kicking.add(t);
            t.start();
        }
        for (Thread t : kicking) {
            t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertFalse(t.isAlive(), "a kicker did not finish");
        }
        threads.joinAll();

        assertEquals(1, maxInPass.get(), "two passes ran at the same time");
        assertEquals(kickers * kicksEach, seenByLastPass.get(), "the last kick was not followed by a pass");
        assertFalse(drain.running());
    }

    @Test
    void aFailingPassIsReportedAndTheNextKickRunsAgain() throws Exception {
        Threads threads = new Threads();
        AtomicInteger passes = new AtomicInteger();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        Drain drain = new Drain(threads, () -> {
            if (passes.incrementAndGet() == 1) {
                throw boom;
            }
        }, errors::add);

        drain.kick();
        threads.joinAll();
        assertEquals(List.of(boom), errors);
        assertFalse(drain.running());

        drain.kick();
        threads.joinAll();
        assertEquals(2, passes.get());
        assertEquals(1, errors.size());
    }

    @Test
    void aStartThatFailsIsRethrownAndLeavesTheRequestForTheNextKick() throws Exception {
        Threads threads = new Threads();
        AtomicInteger attempts = new AtomicInteger();
        RejectedExecutionException shuttingDown = new RejectedExecutionException("shutting down");
        AtomicInteger passes = new AtomicInteger();
        Drain drain = new Drain(loop -> {
            if (attempts.incrementAndGet() == 1) {
                throw shuttingDown;
            }
            threads.execute(loop);
        }, passes::incrementAndGet, e -> {
            throw new AssertionError(e);
        });

        assertSame(shuttingDown, assertThrows(RejectedExecutionException.class, drain::kick));
        assertFalse(drain.running());
        assertEquals(0, passes.get());

        drain.kick();
        threads.joinAll();
        assertEquals(1, passes.get());
    }
}
