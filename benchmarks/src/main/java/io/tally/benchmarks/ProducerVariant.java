package io.tally.benchmarks;

import java.util.List;
import java.util.stream.Stream;

/** What a run of Kafka's producer performance tool puts in its producer; the key names it on a command line. */
enum ProducerVariant {
    PLAIN("plain", "plain", null),
    NO_OP("no-op", "no-op interceptor", NoopProducerInterceptor.class.getName()),
    HEADER("header", "id header only", StampOnlyProducerInterceptor.class.getName()),
    AUDITED("audited", "audited", "io.tally.agent.AuditProducerInterceptor");

    final String key;
    final String label;
    /** The {@code interceptor.classes} value, or null for none. */
    final String interceptor;

    ProducerVariant(String key, String label, String interceptor) {
        this.key = key;
        this.label = label;
        this.interceptor = interceptor;
    }

    /** @throws IllegalArgumentException naming the known keys if {@code key} is none of them */
    static ProducerVariant of(String key) {
        for (ProducerVariant v : values()) {
            if (v.key.equals(key)) {
                return v;
            }
        }
        throw new IllegalArgumentException(
                "--variants: unknown variant '" + key + "' (known: plain, no-op, " + "header, audited)");
    }

    /** @return the variants a {@code --variants=} argument names, in its order */
    static List<ProducerVariant> parse(String argument) {
        return Stream.of(argument.substring("--variants=".length()).split(","))
                .map(ProducerVariant::of)
                .toList();
    }
}
