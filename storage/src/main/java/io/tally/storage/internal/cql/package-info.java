/**
 * How {@link io.tally.storage.CassandraAuditStore} talks to Cassandra: the prepared statements
 * ({@link io.tally.storage.internal.cql.Statements}), the mapping of rows to Tally's types
 * ({@link io.tally.storage.internal.cql.RowMapper}) and the bounded pipeline of asynchronous writes
 * ({@link io.tally.storage.internal.cql.AsyncWrites}). Not API.
 */
package io.tally.storage.internal.cql;
