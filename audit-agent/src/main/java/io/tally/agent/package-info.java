/**
 * The Tally agent, attached to Kafka clients by configuration alone:
 * {@code interceptor.classes=io.tally.agent.AuditProducerInterceptor} (producers) or
 * {@link io.tally.agent.AuditConsumerInterceptor} (consumers), with optional {@code tally.*} settings
 * ({@link io.tally.agent.AgentConfig}). {@link io.tally.agent.Auditor} counts for tiers that are not Kafka clients.
 *
 * <p>The agent never throws into the application and never blocks {@code send()} or {@code poll()}: every callback
 * is wrapped, failures are counted (JMX {@code io.tally.agent:type=Agent,...}) and logged at WARN at most once a
 * minute, and past its memory bounds it drops and counts instead of waiting.
 */
package io.tally.agent;
