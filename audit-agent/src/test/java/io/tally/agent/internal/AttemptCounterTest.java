package io.tally.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AttemptCounterTest {
    @Test
    void counts_every_attempt_of_the_owning_thread_and_of_the_others() throws InterruptedException {
        AttemptCounter counter = new AttemptCounter();
        int threads = 4;
        int each = 250_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread sender = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    counter.increment();
                }
            });
            senders.add(sender);
            sender.start();
        }
        start.countDown();
        for (Thread sender : senders) {
            sender.join();
        }
        assertThat(counter.sum()).isEqualTo((long) threads * each);
    }

    @Test
    void keeps_what_an_owner_counted_after_it_ends() throws InterruptedException {
        AttemptCounter counter = new AttemptCounter();
        Thread first = new Thread(() -> {
            for (int i = 0; i < 1_000; i++) {
                counter.increment();
            }
        });
        first.start();
        first.join();
        counter.increment(); // another thread now: through the adder
        assertThat(counter.sum()).isEqualTo(1_001);
    }
}
