/**
 * How {@link io.tally.broker.BundledBroker} runs Kafka: not part of the API, may change in any release.
 *
 * <p>Each node is one combined KRaft broker+controller assembled the way {@code kafka.server.KafkaRaftServer}
 * does it ({@code SharedServer}, {@code ControllerServer}, {@code BrokerServer}), but holding the two halves
 * separately so that a whole cluster can stop brokers first and controllers last: a broker's controlled
 * shutdown needs a controller quorum, which stopping nodes one by one would take away. Fatal faults are logged
 * and recorded instead of halting the JVM, because the JVM is the user's application or test run.
 *
 * <ul>
 *   <li>{@link io.tally.broker.internal.Cluster}: the nodes, their ports and directories, start/stop order.</li>
 *   <li>{@link io.tally.broker.internal.KafkaNode}: one node's Kafka objects and lifecycle.</li>
 *   <li>{@link io.tally.broker.internal.NodeProperties}: the Kafka properties of a node.</li>
 *   <li>{@link io.tally.broker.internal.Storage}: data directory checks, cluster id, formatting with
 *       {@code org.apache.kafka.metadata.storage.Formatter} at {@code MetadataVersion.LATEST_PRODUCTION}
 *       (only when a node directory has no {@code meta.properties} yet).</li>
 *   <li>{@link io.tally.broker.internal.ReservedPorts}: listener sockets bound before a node starts (free or
 *       fixed ports), handed to Kafka's socket server.</li>
 *   <li>{@link io.tally.broker.internal.NodeTasks}: runs a start or stop step on every node at once.</li>
 *   <li>{@link io.tally.broker.internal.Readiness}: waits until the brokers serve clients.</li>
 *   <li>{@link io.tally.broker.internal.ScramUsers}: the SCRAM users of a broker that requires SASL, written at
 *       format time and set again at every start through the active controller.</li>
 * </ul>
 */
package io.tally.broker.internal;
