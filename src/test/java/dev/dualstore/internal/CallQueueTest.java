package dev.dualstore.internal;

import static dev.dualstore.testing.ConcurrentTestHarness.runConcurrently;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The intrusive queue of unordered calls: FIFO, every call taken exactly once under contention. */
class CallQueueTest {
    private final CallQueue queue = new CallQueue();

    private static UnorderedCall call() {
        return new UnorderedCall(null, null, null);
    }

    @Test
    void takesCallsInTheOrderTheyCame() {
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.poll()).isNull();
        UnorderedCall a = call();
        UnorderedCall b = call();
        UnorderedCall c = call();
        queue.offer(a);
        queue.offer(b);
        assertThat(queue.isEmpty()).isFalse();
        assertThat(queue.poll()).isSameAs(a);
        queue.offer(c);
        assertThat(queue.poll()).isSameAs(b);
        assertThat(queue.poll()).isSameAs(c);
        assertThat(queue.poll()).isNull();
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void takesARunOfCallsAtOnceButNeverMoreThanAreThere() {
        UnorderedCall[] calls = {call(), call(), call()};
        for (UnorderedCall c : calls) {
            queue.offer(c);
        }
        UnorderedCall[] into = new UnorderedCall[5];

        assertThat(queue.poll(into, 2)).isEqualTo(2);
        assertThat(into).startsWith(calls[0], calls[1]);
        assertThat(queue.poll(into, 5)).isOne();
        assertThat(into[0]).isSameAs(calls[2]);
        assertThat(queue.poll(into, 5)).isZero();

        UnorderedCall later = call();
        queue.offer(later);
        assertThat(queue.poll(into, 5)).as("the last taken is the new front, and links on").isOne();
        assertThat(into[0]).isSameAs(later);
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void stress_everyCallOfferedIsTakenExactlyOnceAndInEachProducersOrderWhateverTheRunsTaken() throws Exception {
        int producers = 4;
        int consumers = 4;
        int perProducer = 50_000;
        UnorderedCall[][] offered = new UnorderedCall[producers][perProducer];
        Map<UnorderedCall, int[]> origin = new IdentityHashMap<>();
        for (int p = 0; p < producers; p++) {
            for (int i = 0; i < perProducer; i++) {
                offered[p][i] = call();
                origin.put(offered[p][i], new int[] {p, i});
            }
        }
        List<List<UnorderedCall>> taken = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            taken.add(new ArrayList<>());
        }
        AtomicInteger producing = new AtomicInteger(producers);

        runConcurrently(producers + consumers, t -> {
            if (t < producers) {
                for (UnorderedCall call : offered[t]) {
                    queue.offer(call);
                }
                producing.decrementAndGet();
            } else {
                List<UnorderedCall> mine = taken.get(t - producers);
                UnorderedCall[] chunk = new UnorderedCall[8];
                int max = 1 + (t - producers) * 2; // consumers take 1, 3, 5 and 7 at a time
                while (true) {
                    boolean done = producing.get() == 0; // read before the poll that may find it empty
                    int n = queue.poll(chunk, max);
                    for (int i = 0; i < n; i++) {
                        mine.add(chunk[i]);
                    }
                    if (n == 0 && done) {
                        return;
                    }
                }
            }
        });

        Map<UnorderedCall, Boolean> seen = new IdentityHashMap<>();
        for (List<UnorderedCall> mine : taken) {
            int[] last = new int[producers];
            Arrays.fill(last, -1);
            for (UnorderedCall call : mine) {
                assertThat(seen.put(call, Boolean.TRUE)).as("taken twice").isNull();
                int[] from = origin.get(call);
                assertThat(from[1]).as("one consumer sees a producer's calls in order").isGreaterThan(last[from[0]]);
                last[from[0]] = from[1];
            }
        }
        assertThat(seen).hasSize(producers * perProducer);
        assertThat(queue.isEmpty()).isTrue();
    }
}
