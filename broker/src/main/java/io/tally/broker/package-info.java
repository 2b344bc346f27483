/**
 * The bundled Kafka broker: {@link io.tally.broker.BundledBroker}, an in-process KRaft cluster of one or more
 * combined broker+controller nodes, configured by {@link io.tally.broker.BrokerConfig}, whose client listener may
 * require SASL/SCRAM ({@link io.tally.broker.BrokerSasl}). It is what
 * {@code tally broker}, the one-JVM {@code standalone} and {@code demo} modes and the integration tests of the
 * other modules run against; a real deployment points the same code at its own Kafka cluster instead.
 */
package io.tally.broker;
