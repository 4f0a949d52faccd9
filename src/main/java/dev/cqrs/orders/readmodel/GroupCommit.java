package dev.cqrs.orders.readmodel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Group commit for work that arrives on several threads at once (the broker's concurrent
 * deliveries): each thread {@link #submit}s its item and waits for its result; whichever thread
 * finds a lane free (at most {@code lanes} batches run at once) leads the next batch: it takes
 * every item waiting (up to {@code maxBatch}, in arrival order) and runs them as one, in one
 * transaction of the caller's {@link Batch}. No thread of its own and no lingering: an item that
 * arrives when a lane is free runs at once, on its own thread; items that arrive while every lane
 * is busy wait for one and then go together. So the batches grow with the load, and an idle
 * system pays nothing for them. Owners whose items wait park (no spinning): the owner of the
 * oldest is woken to lead when a lane frees, the others when their batch is done.
 *
 * <p>A batch that fails fails each of its items with {@link BatchFailed}: its owner decides what
 * to do with it alone (the intake runs it again by itself, so that a failure stays the failure of
 * the one item that caused it).
 *
 * @param <T> an item
 * @param <R> what the batch made of it
 */
final class GroupCommit<T, R> {

    /** Runs items as one unit: all of them or none; a result per item, in the order given. */
    @FunctionalInterface
    interface Batch<T, R> {
        List<R> run(List<T> items) throws Exception;
    }

    /** The batch an item was in failed (rolled back): nothing of it happened. */
    static final class BatchFailed extends Exception {
        private final int batchSize;

        BatchFailed(int batchSize, Throwable cause) {
            super("a batch of " + batchSize + " failed: " + cause, cause);
            this.batchSize = batchSize;
        }

        /** How many items the failed batch held (1: the item's own failure). */
        int batchSize() {
            return batchSize;
        }
    }

    /** Batches run and items in them since the start; the largest batch. */
    record Counts(long batches, long items, int largest) {
    }

    private static final class Waiting<T, R> {
        final T item;
        final Thread owner = Thread.currentThread();
        // Set by the leader that takes the item into its batch: the owner then only waits.
        volatile boolean taken;
        // Written by the leader before it sets the volatile flag, read by the owner after it saw the
        // flag set: the flag orders them.
        volatile boolean done;
        R result;
        BatchFailed failure;

        Waiting(T item) {
            this.item = item;
        }
    }

    private final Batch<T, R> batch;
    private final int maxBatch;
    private final Semaphore lanes;
    private final ConcurrentLinkedQueue<Waiting<T, R>> queue = new ConcurrentLinkedQueue<>();
    private final LongAdder batches = new LongAdder();
    private final LongAdder items = new LongAdder();
    private final AtomicInteger largest = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();

    GroupCommit(int lanes, int maxBatch, Batch<T, R> batch) {
        if (lanes < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("lanes and maxBatch must be at least 1: " + lanes + ", " + maxBatch);
        }
        this.lanes = new Semaphore(lanes);
        this.maxBatch = maxBatch;
        this.batch = batch;
    }

    /**
     * Runs {@code item} in the next batch (led by this thread or another) and answers its result.
     * The thread leads a batch when a lane is free and its item is still waiting; otherwise it
     * parks until its item is done, or until a lane frees while its item is first in line.
     */
    R submit(T item) throws BatchFailed {
        Waiting<T, R> mine = new Waiting<>(item);
        queue.add(mine);
        while (!mine.done) {
            if (!mine.taken && lanes.tryAcquire()) {
                try {
                    runNext();
                } finally {
                    lanes.release();
                    wakeFirstInLine();
                }
            } else {
                // Woken when its item is done, or when a lane frees while it is first in line.
                LockSupport.park(this);
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    /** After a lane freed: the owner of the oldest item waiting leads the next batch. */
    private void wakeFirstInLine() {
        Waiting<T, R> first = queue.peek();
        if (first != null) {
            LockSupport.unpark(first.owner);
        }
    }

    /** In a lane: the items waiting, oldest first, as one batch. */
    private void runNext() {
        List<Waiting<T, R>> taken = new ArrayList<>();
        Waiting<T, R> next;
        while (taken.size() < maxBatch && (next = queue.poll()) != null) {
            next.taken = true;
            taken.add(next);
        }
        if (taken.isEmpty()) {
            return;
        }
        List<T> batchItems = new ArrayList<>(taken.size());
        taken.forEach(waiting -> batchItems.add(waiting.item));
        running.addAndGet(taken.size());
        try {
            List<R> results = batch.run(batchItems);
            if (results.size() != taken.size()) {
                throw new IllegalStateException(results.size() + " results for a batch of " + taken.size());
            }
            for (int i = 0; i < taken.size(); i++) {
                taken.get(i).result = results.get(i);
            }
        } catch (Exception e) {
            BatchFailed failure = new BatchFailed(taken.size(), e);
            taken.forEach(waiting -> waiting.failure = failure);
        } catch (Error e) {
            // Every owner learns of it; the leader's thread throws it on.
            BatchFailed failure = new BatchFailed(taken.size(), e);
            taken.forEach(waiting -> waiting.failure = failure);
            throw e;
        } finally {
            running.addAndGet(-taken.size());
            batches.increment();
            items.add(taken.size());
            largest.accumulateAndGet(taken.size(), Math::max);
            for (Waiting<T, R> waiting : taken) {
                waiting.done = true;
                if (waiting.owner != Thread.currentThread()) {
                    LockSupport.unpark(waiting.owner);
                }
            }
        }
    }

    /** Items waiting for a batch now (not those of the batches running). */
    int waiting() {
        return queue.size();
    }

    /** Items in the batches running now. */
    int running() {
        return running.get();
    }

    Counts counts() {
        return new Counts(batches.sum(), items.sum(), largest.get());
    }
}
