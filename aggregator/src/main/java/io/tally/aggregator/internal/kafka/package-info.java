/**
 * The jobs' edges to Kafka: the settings of every Kafka client of the aggregator
 * ({@link io.tally.aggregator.internal.kafka.KafkaClients}), the output element
 * ({@link io.tally.aggregator.internal.kafka.Envelope}) and its serialization schema, the sources and sinks the jobs
 * use, and the creation of Tally's own topics. Not API.
 */
package io.tally.aggregator.internal.kafka;
