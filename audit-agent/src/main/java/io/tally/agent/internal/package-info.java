/**
 * How the agent counts: per-bucket accumulators ({@link io.tally.core.counting.BucketCounts}, by the rules every
 * tier shares), per-topic sets of them, the consumer's pending segments that wait for a commit, and the
 * {@link io.tally.agent.internal.Emitter} thread that turns them into audit records on {@code tally.audit}. Not an API:
 * the interceptors and the
 * {@code Auditor} in {@code io.tally.agent} are.
 *
 * <p>Threads: the producer's {@code onSend} runs on application threads, {@code onAcknowledgement} on the
 * producer's I/O thread, {@code onConsume}/{@code onCommit} on the polling thread, the emitter on its own daemon
 * thread, and while a producer agent runs, one shared daemon thread ticks every 10 ms for its
 * {@link io.tally.agent.internal.AcknowledgementClock} (and parks while no acknowledgement comes). Counters are
 * guarded per topic by short critical sections; nothing here blocks a client thread on I/O.
 */
package io.tally.agent.internal;
