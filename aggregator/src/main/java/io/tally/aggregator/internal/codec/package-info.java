/**
 * How the jobs' elements travel between Flink operators and sit in state: a compact binary {@code TypeSerializer}
 * for audit messages (no JSON between operators, no Kryo) and a {@code TypeInformation} that wraps such a
 * serializer. Not API.
 */
package io.tally.aggregator.internal.codec;
