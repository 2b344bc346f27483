package io.tally.benchmarks;

import io.tally.core.AuditIds;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Stamps the {@code tally.id} header as the agent does and counts nothing: {@link ProducerPerformanceComparison}
 * runs it to tell what the header costs the producer and the broker from what counting costs.
 */
public class StampOnlyProducerInterceptor extends NoopProducerInterceptor {
    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        record.headers()
                .add(AuditIds.HEADER, AuditIds.toHex(ThreadLocalRandom.current().nextLong()));
        return record;
    }
}
