package io.tally.core;

/**
 * Anything Tally puts on its own topics: what agents emit on {@code tally.audit} ({@link AuditMessage}) and what the
 * aggregator emits on {@code tally.aggregates} ({@link TierAggregate}, {@link TierProgress}). Encoded as JSON by
 * {@link io.tally.core.codec.AuditCodec}, described by the JSON Schema {@code tally-wire.schema.json}.
 */
public sealed interface WireMessage permits AuditMessage, TierAggregate, TierProgress {}
