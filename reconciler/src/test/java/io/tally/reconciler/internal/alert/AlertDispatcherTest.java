package io.tally.reconciler.internal.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.core.Bucket;
import io.tally.reconciler.internal.topology.TopicPolicy;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.InMemoryAuditStore;
import io.tally.storage.Verdict;
import io.tally.testing.Eventually;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertDispatcherTest {
    private static final long SIZE = 10_000;
    private static final long T0 = 1_800_000_000_000L;
    private static final long LATER = T0 + 3_600_000;

    private final InMemoryAuditStore store = new InMemoryAuditStore();
    private final RecordingSink sink = new RecordingSink();
    private TopicPolicy policy = TopicPolicy.defaults();
    private AlertDispatcher dispatcher = newDispatcher();

    private AlertDispatcher newDispatcher() {
        return new AlertDispatcher(
                List.of(sink),
                store,
                topic -> policy,
                5_000,
                5_000,
                new AlertDispatcher.RetryPolicy(3, 1_000),
                Runnable::run);
    }

    private static Discrepancy d(int bucket, Verdict kind, long missing) {
        Bucket b = new Bucket(T0 + bucket * SIZE, SIZE);
        return new Discrepancy(
                Discrepancy.idOf("orders", "log", "consumer.x", b.start()),
                "orders",
                b,
                "log",
                "consumer.x",
                kind,
                100,
                100 - missing,
                missing,
                kind == Verdict.DUPLICATION ? 2 : 0,
                List.of(),
                List.of(),
                "",
                DiscrepancyStatus.OPEN,
                b.end(),
                0);
    }

    @Test
    void one_alert_per_discrepancy_not_per_evaluation() {
        dispatcher.offer(List.of(d(0, Verdict.LOSS, 2)));
        dispatcher.dispatch(LATER);
        dispatcher.offer(List.of(d(0, Verdict.LOSS, 2)));
        dispatcher.dispatch(LATER + 1_000);

        assertThat(sink.alerts).singleElement().satisfies(a -> {
            assertThat(a.text()).contains("LOSS on topic orders, log → consumer.x: 2 missing");
            assertThat(a.toJson()).contains("\"text\":");
        });
    }

    @Test
    void many_buckets_at_once_make_one_alert_per_edge() {
        dispatcher.offer(List.of(d(0, Verdict.LOSS, 1), d(1, Verdict.LOSS, 2), d(2, Verdict.LOSS, 3)));
        dispatcher.dispatch(LATER);

        assertThat(sink.alerts).singleElement().satisfies(a -> {
            assertThat(a.discrepancies()).hasSize(3);
            assertThat(a.missing()).isEqualTo(6);
        });
    }

    @Test
    void waits_for_the_hold_before_alerting() {
        Discrepancy loss = d(0, Verdict.LOSS, 2);
        dispatcher.offer(List.of(loss));
        dispatcher.dispatch(loss.bucket().end() + 4_999);
        assertThat(sink.alerts).isEmpty();

        dispatcher.offer(List.of(d(0, Verdict.AUDIT_GAP, 2)));
        dispatcher.dispatch(LATER);
        assertThat(sink.alerts)
                .as("turned into an audit gap before the hold ended")
                .isEmpty();
    }

    @Test
    void a_bucket_judged_late_waits_the_hold_from_its_detection_and_a_loss_resolved_in_it_never_alerts() {
        // the consumer lagged: its bucket was judged an hour after it was due, before its last counts arrived
        Discrepancy early = detected(d(0, Verdict.LOSS, 40), LATER);
        dispatcher.offer(List.of(early));
        dispatcher.dispatch(LATER + 4_999);
        assertThat(sink.alerts)
                .as("held from the detection, not from the bucket's end")
                .isEmpty();

        dispatcher.offer(List.of(early.withStatus(DiscrepancyStatus.RESOLVED, LATER + 2_000)));
        dispatcher.dispatch(LATER + 60_000);
        assertThat(sink.alerts)
                .as("the counts arrived within the hold: no alert, and no resolution either")
                .isEmpty();

        Discrepancy real = detected(d(1, Verdict.LOSS, 40), LATER);
        dispatcher.offer(List.of(real));
        dispatcher.dispatch(LATER + 2_000);
        dispatcher.offer(List.of(detected(d(1, Verdict.LOSS, 30), LATER)));
        dispatcher.dispatch(LATER + 5_000);
        assertThat(sink.alerts)
                .as("a loss corrected within the hold alerts once, with its settled figure")
                .singleElement()
                .satisfies(a -> assertThat(a.missing()).isEqualTo(30));
    }

    private static Discrepancy detected(Discrepancy d, long at) {
        return new Discrepancy(
                d.id(),
                d.topic(),
                d.bucket(),
                d.upstreamTier(),
                d.downstreamTier(),
                d.kind(),
                d.upstreamCount(),
                d.downstreamCount(),
                d.missing(),
                d.duplicated(),
                d.lostIds(),
                d.duplicatedIds(),
                d.detail(),
                d.status(),
                at,
                d.resolvedAt());
    }

    @Test
    void resolved_is_sent_only_after_an_open_alert() {
        Discrepancy loss = d(0, Verdict.LOSS, 2);
        dispatcher.offer(List.of(loss));
        dispatcher.dispatch(LATER);
        dispatcher.offer(List.of(loss.withStatus(DiscrepancyStatus.RESOLVED, LATER + 1)));
        dispatcher.offer(List.of(d(1, Verdict.AUDIT_GAP, 1).withStatus(DiscrepancyStatus.RESOLVED, LATER + 1)));
        dispatcher.dispatch(LATER + 2);

        assertThat(sink.alerts)
                .extracting(a -> a.status() + " " + a.kind())
                .containsExactly("OPEN LOSS", "RESOLVED LOSS");
        assertThat(sink.alerts.get(1).text()).startsWith("RESOLVED LOSS").contains("was ");
    }

    @Test
    void a_restarted_dispatcher_does_not_send_again() {
        dispatcher.offer(List.of(d(0, Verdict.LOSS, 2)));
        dispatcher.dispatch(LATER);

        dispatcher = newDispatcher();
        dispatcher.offer(List.of(d(0, Verdict.LOSS, 2)));
        dispatcher.dispatch(LATER + 10_000);

        assertThat(sink.alerts).hasSize(1);
    }

    @Test
    void a_stalled_edge_alerts_once_across_restarts_not_once_per_bucket_and_again_once_its_stall_resolved() {
        dispatcher.offer(List.of(d(0, Verdict.STALLED, 0)));
        dispatcher.dispatch(LATER);
        dispatcher.offer(List.of(d(1, Verdict.STALLED, 0)));
        dispatcher.dispatch(LATER + 1_000);
        dispatcher = newDispatcher(); // a restart reloads the open discrepancies
        dispatcher.offer(List.of(d(0, Verdict.STALLED, 0), d(1, Verdict.STALLED, 0), d(2, Verdict.STALLED, 0)));
        dispatcher.dispatch(LATER + 2_000);
        assertThat(sink.alerts).as("the edge stalled once").hasSize(1);

        // the tier moves again: the first bucket is PENDING, its stall resolved; the later ones still stall
        dispatcher.offer(List.of(d(0, Verdict.STALLED, 0).withStatus(DiscrepancyStatus.RESOLVED, LATER + 3_000)));
        dispatcher.dispatch(LATER + 3_000);
        dispatcher.dispatch(LATER + 4_000);

        assertThat(sink.alerts)
                .extracting(a ->
                        a.status() + " " + a.kind() + " " + a.discrepancies().size())
                .containsExactly("OPEN STALLED 1", "RESOLVED STALLED 1", "OPEN STALLED 2");
    }

    @Test
    void thresholds_per_topic_decide_what_alerts() {
        policy = new TopicPolicy(false, 0, 0.99, 10, 1, Set.of(Verdict.LOSS));
        dispatcher.offer(List.of(d(0, Verdict.LOSS, 9), d(1, Verdict.DUPLICATION, 0), d(2, Verdict.LOSS, 10)));
        dispatcher.dispatch(LATER);

        assertThat(sink.alerts)
                .singleElement()
                .satisfies(a -> assertThat(a.discrepancies())
                        .extracting(Discrepancy::missing)
                        .containsExactly(10L));
    }

    @Test
    void a_failing_sink_is_retried_later_and_its_failures_counted() {
        sink.failing = true;
        dispatcher.offer(List.of(d(0, Verdict.LOSS, 2)));
        dispatcher.dispatch(LATER);
        sink.failing = false;
        dispatcher.dispatch(LATER + 100);
        assertThat(sink.alerts).isEmpty();

        dispatcher.dispatch(LATER + 60_000);

        assertThat(sink.alerts).hasSize(1);
        assertThat(dispatcher.failed()).isEqualTo(1);
        assertThat(store.alertState(d(0, Verdict.LOSS, 2).id(), "recording"))
                .hasValueSatisfying(s -> assertThat(s.lastSentStatus()).isEqualTo("OPEN LOSS"));
    }

    @Test
    void one_retry_policy_backs_off_doubling_and_gives_up_on_the_sink_after_the_most_attempts() {
        sink.failing = true;
        Discrepancy loss = d(0, Verdict.LOSS, 2);
        dispatcher.offer(List.of(loss));
        dispatcher.dispatch(LATER); // attempt 1
        dispatcher.dispatch(LATER + 999); // waits 1 s
        dispatcher.dispatch(LATER + 1_000); // attempt 2
        dispatcher.dispatch(LATER + 2_999); // waits 2 s
        assertThat(dispatcher.failed()).isEqualTo(2);
        dispatcher.dispatch(LATER + 3_000); // attempt 3: the last
        dispatcher.dispatch(LATER + 3_600_000);
        sink.failing = false;
        dispatcher.dispatch(LATER + 7_200_000);

        assertThat(dispatcher.failed()).isEqualTo(3);
        assertThat(dispatcher.givenUp()).isEqualTo(1);
        assertThat(sink.alerts).as("given up: not tried again").isEmpty();
        assertThat(dispatcher.pending()).isZero();
        assertThat(store.alertState(loss.id(), "recording")).hasValueSatisfying(s -> {
            assertThat(s.attempts()).isEqualTo(3);
            assertThat(s.lastError()).startsWith("gave up after 3 attempts: down");
        });

        dispatcher = newDispatcher();
        dispatcher.offer(List.of(loss));
        dispatcher.dispatch(LATER + 7_300_000);
        assertThat(sink.alerts).as("nor after a restart").isEmpty();
    }

    @Test
    void a_sink_that_hangs_holds_up_neither_the_caller_nor_the_other_sinks() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger hung = new java.util.concurrent.atomic.AtomicInteger();
        io.tally.reconciler.AlertSink hanging = sink("hanging", alert -> {
            hung.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        java.util.List<io.tally.reconciler.Alert> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.tally.reconciler.AlertSink quick = sink("quick", received::add);
        try (AlertDispatcher threaded = new AlertDispatcher(
                List.of(hanging, quick),
                store,
                topic -> policy,
                5_000,
                5_000,
                new AlertDispatcher.RetryPolicy(3, 1_000))) {
            threaded.offer(List.of(d(0, Verdict.LOSS, 2)));
            threaded.dispatch(LATER); // returns although "hanging" never does
            Eventually.await(
                    java.time.Duration.ofSeconds(10),
                    java.time.Duration.ofMillis(5),
                    "the other sink to deliver while the hanging one is in flight",
                    () -> !received.isEmpty() && hung.get() > 0);
            assertThat(received).as("the other sink delivered").hasSize(1);
            threaded.dispatch(LATER + 60_000);
            assertThat(hung.get()).as("not sent again while in flight").isEqualTo(1);
            release.countDown();
            threaded.close(java.time.Duration.ofSeconds(10));
            assertThat(threaded.sent()).isEqualTo(2);
            assertThat(store.alertState(d(0, Verdict.LOSS, 2).id(), "hanging"))
                    .hasValueSatisfying(s -> assertThat(s.lastSentStatus()).isEqualTo("OPEN LOSS"));
        }
    }

    private static io.tally.reconciler.AlertSink sink(
            String name, java.util.function.Consumer<io.tally.reconciler.Alert> send) {
        return new io.tally.reconciler.AlertSink() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void send(io.tally.reconciler.Alert alert) {
                send.accept(alert);
            }
        };
    }

    @Test
    void alert_state_is_cached_only_for_discrepancies_that_can_still_alert() {
        for (int i = 0; i < 50; i++) {
            dispatcher.offer(List.of(d(i, Verdict.LOSS, 2)));
        }
        dispatcher.dispatch(LATER);
        dispatcher.dispatch(LATER + 1);

        assertThat(sink.alerts).hasSize(1);
        assertThat(dispatcher.pending()).isZero();
        assertThat(dispatcher.cachedStates())
                .as("the store is the truth for what was sent")
                .isZero();

        dispatcher.offer(List.of(d(3, Verdict.LOSS, 2).withStatus(DiscrepancyStatus.RESOLVED, LATER + 2)));
        dispatcher.dispatch(LATER + 3);
        assertThat(sink.alerts)
                .as("read back from the store: its OPEN alert was sent")
                .hasSize(2);
    }
}
