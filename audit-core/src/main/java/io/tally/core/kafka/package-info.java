/**
 * What Tally's roles ask a Kafka cluster about the audited topics themselves, answered the same way wherever it is
 * asked (the log tier deciding what to read a second time, the reconciler deciding what to judge against).
 */
package io.tally.core.kafka;
