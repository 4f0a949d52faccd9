package dev.cqrs.orders.readmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The read side's group commit, with plain threads: who runs what together, and what each owner learns. */
class GroupCommitTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<List<Integer>> batchesRun = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch firstBatchMayEnd = new CountDownLatch(1);

    @AfterEach
    void stop() {
        firstBatchMayEnd.countDown();
        threads.shutdownNow();
    }

    /** Each item's result is its double; the first batch waits for the latch (so that others queue up behind it). */
    private GroupCommit<Integer, Integer> doubling(int maxBatch) {
        return new GroupCommit<>(1, maxBatch, items -> {
            batchesRun.add(List.copyOf(items));
            if (batchesRun.size() == 1) {
                firstBatchMayEnd.await(10, TimeUnit.SECONDS);
            }
            return items.stream().map(i -> i * 2).toList();
        });
    }

    @Test
    void anItemAloneRunsAloneOnItsOwnThread() throws Exception {
        GroupCommit<Integer, Integer> together = new GroupCommit<>(1, 8, items -> {
            batchesRun.add(List.copyOf(items));
            return items.stream().map(i -> i + 100).toList();
        });
        assertThat(together.submit(1)).isEqualTo(101);
        assertThat(together.submit(2)).isEqualTo(102);
        assertThat(batchesRun).containsExactly(List.of(1), List.of(2));
        assertThat(together.counts()).isEqualTo(new GroupCommit.Counts(2, 2, 1));
    }

    /**
     * Item 0 starts the first batch (which waits for the latch); items 1..count then arrive one at a
     * time, so that their order is known. Answers their futures, item 0's first.
     */
    private List<Future<Integer>> queuedBehindTheFirstBatch(GroupCommit<Integer, Integer> together, int count) {
        List<Future<Integer>> results = new ArrayList<>();
        results.add(threads.submit(() -> together.submit(0)));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> batchesRun.size() == 1);
        for (int i = 1; i <= count; i++) {
            int item = i;
            results.add(threads.submit(() -> together.submit(item)));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> together.waiting() == item);
        }
        return results;
    }

    @Test
    void itemsThatArriveWhileABatchRunsGoTogetherInArrivalOrderEachWithItsOwnResult() throws Exception {
        GroupCommit<Integer, Integer> together = doubling(32);
        List<Future<Integer>> results = queuedBehindTheFirstBatch(together, 5);
        firstBatchMayEnd.countDown();
        for (int i = 0; i <= 5; i++) {
            assertThat(results.get(i).get(10, TimeUnit.SECONDS)).as("the result of item " + i).isEqualTo(2 * i);
        }
        assertThat(batchesRun).containsExactly(List.of(0), List.of(1, 2, 3, 4, 5));
        assertThat(together.counts()).isEqualTo(new GroupCommit.Counts(2, 6, 5));
    }

    @Test
    void noBatchTakesMoreThanItsBound() throws Exception {
        GroupCommit<Integer, Integer> together = doubling(2);
        List<Future<Integer>> results = queuedBehindTheFirstBatch(together, 5);
        firstBatchMayEnd.countDown();
        for (Future<Integer> result : results) {
            result.get(10, TimeUnit.SECONDS);
        }
        assertThat(batchesRun).containsExactly(List.of(0), List.of(1, 2), List.of(3, 4), List.of(5));
        assertThat(together.counts().largest()).isEqualTo(2);
    }

    @Test
    void asManyBatchesRunAtOnceAsThereAreLanesAndTheRestWait() throws Exception {
        CountDownLatch batchesMayEnd = new CountDownLatch(1);
        GroupCommit<Integer, Integer> together = new GroupCommit<>(2, 32, items -> {
            batchesRun.add(List.copyOf(items));
            if (items.get(0) < 2) {
                batchesMayEnd.await(10, TimeUnit.SECONDS);
            }
            return items;
        });
        Future<Integer> first = threads.submit(() -> together.submit(0));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> batchesRun.size() == 1);
        Future<Integer> second = threads.submit(() -> together.submit(1));
        // The second lane takes it while the first batch still runs.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> batchesRun.size() == 2);
        Future<Integer> third = threads.submit(() -> together.submit(2));
        Future<Integer> fourth = threads.submit(() -> together.submit(3));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> together.waiting() == 2);
        assertThat(batchesRun).as("no third batch while both lanes are busy").hasSize(2);
        assertThat(together.running()).as("the items of the two batches running").isEqualTo(2);
        batchesMayEnd.countDown();
        for (Future<Integer> result : List.of(first, second, third, fourth)) {
            result.get(10, TimeUnit.SECONDS);
        }
        assertThat(together.running()).as("no batch runs once every item has its result").isZero();
        assertThat(batchesRun).hasSize(3).startsWith(List.of(0), List.of(1));
        assertThat(batchesRun.get(2)).as("the items that waited, together").containsExactlyInAnyOrder(2, 3);
    }

    @Test
    void aFailedBatchFailsEachOfItsItemsWithTheBatchSizeAndTheNextBatchRunsAsUsual() throws Exception {
        GroupCommit<Integer, Integer> together = new GroupCommit<>(1, 32, items -> {
            batchesRun.add(List.copyOf(items));
            if (batchesRun.size() == 1) {
                firstBatchMayEnd.await(10, TimeUnit.SECONDS);
                return items;
            }
            if (items.contains(13)) {
                throw new IllegalStateException("13 is poison");
            }
            return items;
        });
        Future<Integer> first = threads.submit(() -> together.submit(0));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> batchesRun.size() == 1);
        Future<Integer> poisoned = threads.submit(() -> together.submit(13));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> together.waiting() == 1);
        Future<Integer> beside = threads.submit(() -> together.submit(7));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> together.waiting() == 2);
        firstBatchMayEnd.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(0);
        for (Future<Integer> failed : List.of(poisoned, beside)) {
            assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(GroupCommit.BatchFailed.class)
                    .satisfies(e -> assertThat(((GroupCommit.BatchFailed) e).batchSize()).isEqualTo(2))
                    .hasRootCauseMessage("13 is poison");
        }
        assertThat(together.submit(8)).isEqualTo(8);
        assertThat(batchesRun).containsExactly(List.of(0), List.of(13, 7), List.of(8));
    }

    @Test
    void aBatchThatAnswersTheWrongNumberOfResultsFailsItsItems() {
        GroupCommit<Integer, Integer> together = new GroupCommit<>(1, 4, items -> List.of());
        assertThatThrownBy(() -> together.submit(1)).isInstanceOf(GroupCommit.BatchFailed.class)
                .hasMessageContaining("0 results for a batch of 1");
    }
}
