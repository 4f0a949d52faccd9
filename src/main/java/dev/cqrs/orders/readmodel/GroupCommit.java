package dev.cqrs.orders.readmodel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Group commit for work that arrives on several threads at once (the broker's concurrent
 * deliveries): each thread {@link #submit}s its item and waits for its result; whichever thread
 * finds a lane free (at most {@code lanes} batches run at once) leads the next batch: it takes
 * every item waiting (up to {@code maxBatch}, in arrival order) and runs them as one, in one
 * transaction of the caller's {@link Batch}. No thread of its own and no lingering: an item that
 * arrives when a lane is free runs at once, on its own thread; items that arrive while every lane
 * is busy wait for one and then go together. So the batches grow with the load, and an idle
 * system pays nothing for them. An owner whose item another lane took may lead a batch of later
 * items meanwhile.
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

    GroupCommit(int lanes, int maxBatch, Batch<T, R> batch) {
        if (lanes < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("lanes and maxBatch must be at least 1: " + lanes + ", " + maxBatch);
        }
        this.lanes = new Semaphore(lanes);
        this.maxBatch = maxBatch;
        this.batch = batch;
    }

    /** Runs {@code item} in the next batch (led by this thread or another) and answers its result. */
    R submit(T item) throws BatchFailed {
        Waiting<T, R> mine = new Waiting<>(item);
        queue.add(mine);
        while (!mine.done) {
            lanes.acquireUninterruptibly();
            try {
                if (!mine.done) {
                    runNext();
                }
            } finally {
                lanes.release();
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    /** In a lane: the items waiting, oldest first, as one batch. */
    private void runNext() {
        List<Waiting<T, R>> taken = new ArrayList<>();
        Waiting<T, R> next;
        while (taken.size() < maxBatch && (next = queue.poll()) != null) {
            taken.add(next);
        }
        if (taken.isEmpty()) {
            return;
        }
        List<T> batchItems = new ArrayList<>(taken.size());
        taken.forEach(waiting -> batchItems.add(waiting.item));
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
            batches.increment();
            items.add(taken.size());
            largest.accumulateAndGet(taken.size(), Math::max);
            taken.forEach(waiting -> waiting.done = true);
        }
    }

    /** Items waiting for a batch now (not those of the batch running). */
    int waiting() {
        return queue.size();
    }

    Counts counts() {
        return new Counts(batches.sum(), items.sum(), largest.get());
    }
}
