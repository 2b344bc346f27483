/**
 * Tally's storage API: the Cassandra schema ({@link io.tally.storage.TallySchema}), driver sessions
 * ({@link io.tally.storage.CassandraSessions}) and the local Cassandra node run as a child JVM
 * ({@link io.tally.storage.LocalCassandraNode}, configured by {@link io.tally.storage.LocalCassandraConfig}).
 * Failures the caller did not cause are {@link io.tally.storage.StorageException}s.
 */
package io.tally.storage;
