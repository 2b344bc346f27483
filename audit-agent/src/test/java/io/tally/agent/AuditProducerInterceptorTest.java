package io.tally.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.core.AuditIds;
import io.tally.core.AuditRecord;
import io.tally.core.CountingMode;
import io.tally.core.Heartbeat;
import io.tally.core.ManualClock;
import io.tally.core.settings.SharedSettings;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.PeelResult;
import io.tally.testing.Eventually;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuditProducerInterceptorTest {
    private static final long T0 = 1_764_000_000_000L;
    private final ManualClock clock = new ManualClock(T0 + 5_000);
    private final FakeSink sink = new FakeSink();
    private AuditProducerInterceptor interceptor;

    private AuditProducerInterceptor start(Object... settings) {
        interceptor = new AuditProducerInterceptor();
        interceptor.configure(AgentSettings.of(clock, sink, settings));
        return interceptor;
    }

    @AfterEach
    void close() {
        if (interceptor != null) {
            interceptor.close();
        }
    }

    /** Sends a record through onSend and acknowledges it as stored at {@code storedTimestamp}. */
    private ProducerRecord<Object, Object> sendAndAck(String topic, long storedTimestamp, long offset) {
        ProducerRecord<Object, Object> record = new ProducerRecord<>(topic, 0, T0, "k", "value");
        interceptor.onSend(record);
        interceptor.onAcknowledgement(metadata(topic, offset, storedTimestamp), null, record.headers());
        return record;
    }

    private static RecordMetadata metadata(String topic, long offset, long timestamp) {
        return new RecordMetadata(new TopicPartition(topic, 0), offset, 0, timestamp, 1, 5);
    }

    @Test
    void an_agent_announces_itself_within_a_second_of_starting_whatever_its_flush_interval() throws Exception {
        start(SharedSettings.FLUSH_INTERVAL_MS, "600000");
        sendAndAck("orders", T0, 0);
        // generous: this checks that it comes, not how fast
        Eventually.await(
                Duration.ofSeconds(30),
                Duration.ofMillis(20),
                "a first heartbeat long before the 10-minute interval",
                () -> !sink.heartbeats().isEmpty());
        assertThat(sink.heartbeats().get(0).closed()).isFalse();
    }

    @Test
    void stamps_an_id_header_unless_the_record_has_one() {
        start();
        ProducerRecord<Object, Object> fresh = new ProducerRecord<>("orders", "v");
        interceptor.onSend(fresh);
        Header stamped = fresh.headers().lastHeader(AuditIds.HEADER);
        assertThat(new String(stamped.value(), StandardCharsets.US_ASCII)).matches("[0-9a-f]{16}");

        ProducerRecord<Object, Object> carried = new ProducerRecord<>("orders", "v");
        carried.headers().add(AuditIds.HEADER, "00000000000000ff".getBytes(StandardCharsets.US_ASCII));
        interceptor.onSend(carried);
        assertThat(carried.headers().headers(AuditIds.HEADER)).hasSize(1);
        assertThat(AuditIds.fromHeader(
                        carried.headers().lastHeader(AuditIds.HEADER).value()))
                .isEqualTo(255);
    }

    @Test
    void buckets_by_the_timestamp_the_broker_stored_not_the_one_the_record_was_sent_with() {
        start();
        sendAndAck("orders", T0 + 9_999, 0); // LogAppendTime: the broker's clock, not the record's T0
        sendAndAck("orders", T0 + 10_000, 1);
        sendAndAck("orders", T0 + 10_001, 2);
        interceptor.close();
        interceptor = null;

        assertThat(sink.countedIn("orders", T0)).isEqualTo(1);
        assertThat(sink.countedIn("orders", T0 + 10_000)).isEqualTo(2);
        AuditRecord record = sink.records().stream()
                .filter(r -> r.bucket().start() == T0)
                .findFirst()
                .orElseThrow();
        assertThat(record.tier()).isEqualTo("producer");
        assertThat(record.mode()).isEqualTo(CountingMode.ACK);
        assertThat(record.bytes()).isEqualTo(6);
        AuditRecord next = sink.records().stream()
                .filter(r -> r.bucket().start() == T0 + 10_000)
                .findFirst()
                .orElseThrow();
        assertThat(next.firstOffsets())
                .as("the offsets acknowledged, which place its records against where the log tier started reading")
                .containsExactly(java.util.Map.entry(0, 1L));
        assertThat(next.lastOffsets()).containsExactly(java.util.Map.entry(0, 2L));
    }

    @Test
    void the_digest_holds_the_stamped_ids() {
        start();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ProducerRecord<Object, Object> r = sendAndAck("orders", T0 + 1, i);
            ids.add(AuditIds.fromHeader(r.headers().lastHeader(AuditIds.HEADER).value()));
        }
        interceptor.close();
        interceptor = null;
        IdDigest digest = sink.records().get(0).digest();
        IdDigest expected = new IdDigest(IdDigest.DEFAULT_CELLS);
        ids.subList(0, 49).forEach(expected::add);
        PeelResult diff = expected.minus(digest).peel();
        assertThat(diff.complete()).isTrue();
        assertThat(diff.lost()).containsOnlyKeys(ids.get(49));
    }

    @Test
    void counts_failures_missing_timestamps_and_skew_apart() {
        start(SharedSettings.SKEW_FUTURE_MS, "60000", SharedSettings.SKEW_PAST_MS, "3600000");
        interceptor.onAcknowledgement(
                metadata("orders", -1, -1), new RuntimeException("broker said no"), new RecordHeaders());
        sendAndAck("orders", -1, 1); // no timestamp
        sendAndAck("orders", T0 + 5_000 + 61_000, 2); // too far ahead
        sendAndAck("orders", T0 + 5_000 - 3_600_001, 3); // too far behind
        sendAndAck("orders", T0 + 5_000 + 59_000, 4); // within the bound
        interceptor.close();
        interceptor = null;
        List<AuditRecord> records = sink.records();
        assertThat(records.stream().mapToLong(AuditRecord::failed).sum()).isEqualTo(1);
        assertThat(records.stream().mapToLong(AuditRecord::noTimestamp).sum()).isEqualTo(1);
        assertThat(records.stream().mapToLong(AuditRecord::skewed).sum()).isEqualTo(2);
        assertThat(sink.counted()).isEqualTo(1);
        // counted apart in the bucket of the agent's own clock
        assertThat(records.stream()
                        .filter(r -> r.skewed() > 0)
                        .findFirst()
                        .orElseThrow()
                        .bucket()
                        .start())
                .isEqualTo(T0);
    }

    @Test
    void counts_attempts_and_failed_sends_in_jmx() throws Exception {
        start();
        sendAndAck("orders", T0, 0);
        sendAndAck("orders", T0, 1);
        interceptor.onSend(new ProducerRecord<>("orders", "in flight"));
        interceptor.onSend(new ProducerRecord<>("tally.audit", "not audited"));
        interceptor.onAcknowledgement(
                metadata("orders", -1, -1), new RuntimeException("broker said no"), new RecordHeaders());
        assertThat(agentMetric("Attempted")).isEqualTo(3);
        assertThat(agentMetric("FailedSends")).isEqualTo(1);
    }

    private static long agentMetric(String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> agents = server.queryNames(new ObjectName("io.tally.agent:type=Agent,*"), null);
        assertThat(agents).hasSize(1);
        return ((Number) server.getAttribute(agents.iterator().next(), attribute)).longValue();
    }

    @Test
    void never_audits_its_own_topics_or_kafka_internal_ones() {
        start();
        ProducerRecord<Object, Object> own = new ProducerRecord<>("tally.audit", "v");
        interceptor.onSend(own);
        assertThat(own.headers().lastHeader(AuditIds.HEADER)).isNull();
        sendAndAck("__consumer_offsets", T0, 0);
        interceptor.close();
        interceptor = null;
        assertThat(sink.records()).isEmpty();
    }

    @Test
    void exceptions_inside_callbacks_never_reach_the_producer() throws Exception {
        start();
        Headers broken = new RecordHeaders() {
            @Override
            public Header lastHeader(String key) {
                throw new IllegalStateException("boom");
            }

            @Override
            public Iterator<Header> iterator() {
                throw new IllegalStateException("boom");
            }
        };
        // a record's constructor copies the headers it is given: hand onSend the broken ones themselves
        ProducerRecord<Object, Object> record = new ProducerRecord<>("orders", null, T0, "k", "v") {
            @Override
            public Headers headers() {
                return broken;
            }
        };
        assertThat(interceptor.onSend(record)).isSameAs(record);
        interceptor.onAcknowledgement(metadata("orders", 0, T0), null, broken);
        interceptor.onAcknowledgement(null, null, null); // nothing to count: not an error either
        assertThat(agentMetric("CallbackErrors"))
                .as("each failure counted, none thrown")
                .isEqualTo(2);
    }

    @Test
    void past_the_bucket_bound_it_drops_and_reports_how_many() {
        start(AgentConfig.MAX_OPEN_BUCKETS, "2");
        sendAndAck("orders", T0, 0);
        sendAndAck("orders", T0 + 10_000, 1);
        sendAndAck("orders", T0 + 20_000, 2); // a third bucket: no room
        sendAndAck("orders", T0 + 20_001, 3);
        interceptor.close();
        interceptor = null;
        assertThat(sink.counted()).isEqualTo(2);
        Heartbeat last = sink.heartbeats().get(sink.heartbeats().size() - 1);
        assertThat(last.dropped()).isEqualTo(2);
        long bucketMs = 10_000;
        assertThat(last.droppedByBucket())
                .as("where they would have counted")
                .containsExactly(java.util.Map.entry(
                        "orders", java.util.Map.of(T0 + 20_000 - Math.floorMod(T0 + 20_000, bucketMs), 2L)));
    }

    @Test
    void closing_sends_a_closed_heartbeat_after_everything_else() {
        start();
        sendAndAck("orders", T0, 0);
        interceptor.close();
        interceptor = null;
        List<io.tally.core.AuditMessage> messages = sink.messages();
        Heartbeat last = (Heartbeat) messages.get(messages.size() - 1);
        assertThat(last.closed()).isTrue();
        assertThat(last.watermarks()).containsEntry("orders", T0);
        assertThat(messages)
                .extracting(io.tally.core.AuditMessage::seq)
                .isSorted()
                .doesNotHaveDuplicates();
        assertThat(sink.closed).isTrue();
    }

    @Test
    void a_producer_with_a_transactional_id_says_so_in_every_heartbeat_and_one_without_does_not() {
        start("transactional.id", "orders-app-0");
        sendAndAck("orders", T0, 0);
        interceptor.close();
        interceptor = null;
        List<Heartbeat> first = sink.heartbeats();
        assertThat(first)
                .isNotEmpty()
                .allSatisfy(h -> assertThat(h.transactional()).isTrue());

        start();
        sendAndAck("orders", T0, 1);
        interceptor.close();
        interceptor = null;
        List<Heartbeat> second =
                sink.heartbeats().subList(first.size(), sink.heartbeats().size());
        assertThat(second)
                .isNotEmpty()
                .allSatisfy(h -> assertThat(h.transactional()).isFalse());
    }

    @Test
    void event_time_can_come_from_a_header() {
        start(AgentConfig.EVENT_TIME, "header:event-ts");
        ProducerRecord<Object, Object> record = new ProducerRecord<>("orders", "v");
        record.headers().add("event-ts", String.valueOf(T0 + 20_500).getBytes(StandardCharsets.US_ASCII));
        interceptor.onSend(record);
        interceptor.onAcknowledgement(metadata("orders", 0, T0), null, record.headers());
        interceptor.close();
        interceptor = null;
        assertThat(sink.countedIn("orders", T0 + 20_000)).isEqualTo(1);
    }

    @Test
    void event_time_can_come_from_a_json_field_read_when_the_record_is_whole() {
        start(AgentConfig.EVENT_TIME, "json:meta.createdAt");
        ProducerRecord<Object, Object> record = new ProducerRecord<>(
                "orders",
                "{\"id\":1,\"meta\":{\"other\":[1,2],\"createdAt\":\"" + java.time.Instant.ofEpochMilli(T0 + 30_001)
                        + "\"}}");
        interceptor.onSend(record);
        ProducerRecord<Object, Object> pojo = new ProducerRecord<>("orders", new Object());
        interceptor.onSend(pojo);
        interceptor.onAcknowledgement(metadata("orders", 0, T0), null, record.headers());
        interceptor.onAcknowledgement(metadata("orders", 1, T0), null, pojo.headers());
        interceptor.close();
        interceptor = null;
        assertThat(sink.countedIn("orders", T0 + 30_000)).isEqualTo(1);
        assertThat(sink.records().stream().mapToLong(AuditRecord::noTimestamp).sum())
                .isEqualTo(1);
    }

    @Test
    void a_bad_setting_fails_configure_naming_the_key() {
        AuditProducerInterceptor bad = new AuditProducerInterceptor();
        assertThatThrownBy(() -> bad.configure(AgentSettings.of(clock, sink, SharedSettings.BUCKET_MS, "-5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tally.bucket.ms");
        assertThatThrownBy(() -> bad.configure(AgentSettings.of(clock, sink, AgentConfig.EVENT_TIME, "guess")))
                .hasMessageContaining("tally.event.time");
        assertThatThrownBy(() -> bad.configure(AgentSettings.of(clock, sink, "tally.flush.intervall.ms", "5")))
                .hasMessageContaining("tally.flush.intervall.ms");
    }
}
