package io.tally.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.Row;
import io.tally.core.TierAggregate;
import io.tally.core.TierProgress;
import io.tally.storage.internal.cql.AsyncWrites;
import io.tally.storage.internal.cql.RowMapper;
import io.tally.storage.internal.cql.Statements;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The {@link AuditStore} on Cassandra: the tables of {@link TallySchema}, prepared statements only.
 *
 * <p>Aggregates and verdicts are written as unlogged batches of rows of the same partition, pipelined with at most
 * {@link #DEFAULT_MAX_IN_FLIGHT} asynchronous requests outstanding. A discrepancy is written to its three tables
 * in one logged batch. Range reads walk the UTC days of the range (at most the schema's TTL of them), newest or
 * oldest first as {@link AuditStore} documents.
 *
 * <p>Thread-safe. {@link #create} applies the schema (idempotently) before preparing the statements.
 */
public final class CassandraAuditStore implements AuditStore {
    /** Most asynchronous write requests outstanding per batch call. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 128;
    /** Most rows of one partition in one unlogged batch. */
    public static final int MAX_ROWS_PER_BATCH = 16;
    /**
     * Most estimated bytes in one batch: Cassandra's default {@code batch_size_warn_threshold} (5 KiB), so that a
     * cluster with default settings never logs a warning (nor, past 50 KiB, fails). Rows with a full id digest
     * (3 KiB at 128 cells) are therefore sent alone, pipelined.
     */
    public static final int MAX_BATCH_BYTES = 5 * 1024;

    private static final long DAY_MS = 86_400_000L;

    private final CqlSession session;
    private final boolean ownsSession;
    private final Statements statements;
    private final long ttlMs;

    /** What a store does with the schema when it opens. */
    public enum SchemaAction {
        /** creates what is missing of it (one process at a time: see {@link TallySchema}) */
        APPLY,
        /** only checks that its version is this build's or newer ({@link TallySchema#check}) */
        CHECK
    }

    private final CassandraConsistency consistency;

    private CassandraAuditStore(
            CqlSession session,
            boolean ownsSession,
            TallySchema schema,
            CassandraConsistency consistency,
            SchemaAction action) {
        this.session = session;
        this.ownsSession = ownsSession;
        this.ttlMs = schema.defaultTtl().toMillis();
        this.consistency = consistency;
        try {
            if (action == SchemaAction.APPLY) {
                schema.apply(session);
            } else {
                schema.check(session);
            }
            this.statements = new Statements(session, schema.keyspace(), consistency);
        } catch (DriverException e) {
            throw new StorageException(
                    "Preparing the statements of keyspace " + schema.keyspace() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * A store on a session the caller keeps (and closes), reading and writing at LOCAL_QUORUM. Creates the schema if
     * missing.
     *
     * @throws StorageException if the schema cannot be created or the statements prepared
     */
    public static CassandraAuditStore create(CqlSession session, TallySchema schema) {
        return create(session, schema, CassandraConsistency.LOCAL_QUORUM, SchemaAction.APPLY);
    }

    /**
     * A store on a session the caller keeps (and closes).
     *
     * @throws StorageException if the schema cannot be created, is older than this build's ({@link
     *     SchemaAction#CHECK}), or the statements cannot be prepared
     */
    public static CassandraAuditStore create(
            CqlSession session, TallySchema schema, CassandraConsistency consistency, SchemaAction action) {
        return new CassandraAuditStore(session, false, schema, consistency, action);
    }

    /**
     * A store on its own session, closed with the store, reading and writing at LOCAL_QUORUM. Creates the schema if
     * missing.
     *
     * @throws StorageException if no node answers, or the schema cannot be created
     */
    public static CassandraAuditStore connect(
            Collection<java.net.InetSocketAddress> contactPoints, String localDatacenter, TallySchema schema) {
        return connect(contactPoints, localDatacenter, schema, CassandraConsistency.LOCAL_QUORUM, SchemaAction.APPLY);
    }

    /**
     * A store on its own session, closed with the store.
     *
     * @throws StorageException if no node answers, the schema cannot be created, or is older than this build's
     *     ({@link SchemaAction#CHECK})
     */
    public static CassandraAuditStore connect(
            Collection<java.net.InetSocketAddress> contactPoints,
            String localDatacenter,
            TallySchema schema,
            CassandraConsistency consistency,
            SchemaAction action) {
        return connect(CassandraAccess.of(List.copyOf(contactPoints), localDatacenter), schema, consistency, action);
    }

    /**
     * A store on its own session on the cluster {@code access} names (logged in and over TLS where it says so),
     * closed with the store.
     *
     * @throws StorageException if no node answers, the login is refused, the schema cannot be created, or is older
     *     than this build's ({@link SchemaAction#CHECK})
     */
    public static CassandraAuditStore connect(
            CassandraAccess access, TallySchema schema, CassandraConsistency consistency, SchemaAction action) {
        CqlSession session = CassandraSessions.connect(access);
        try {
            return new CassandraAuditStore(session, true, schema, consistency, action);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    @Override
    public void putAggregates(Collection<TierAggregate> aggregates) {
        writeByPartition(
                aggregates,
                a -> a.topic() + '|' + RowMapper.day(a.bucket().start()),
                a -> RowMapper.bind(statements, a),
                RowMapper::estimatedBytes,
                "tier aggregates");
    }

    @Override
    public List<TierAggregate> aggregates(String topic, long fromMs, long toMs) {
        List<TierAggregate> out = new ArrayList<>();
        for (LocalDate day : days(fromMs, toMs, false)) {
            for (Row r : execute(
                    statements.selectTierBuckets.bind(
                            topic, day, Instant.ofEpochMilli(fromMs), Instant.ofEpochMilli(toMs)),
                    "reading tier aggregates")) {
                out.add(RowMapper.aggregate(r));
            }
        }
        return out;
    }

    @Override
    public void putProgress(TierProgress progress) {
        execute(RowMapper.bind(statements, progress), "writing tier progress");
    }

    /** Pipelined: a burst of progress (every topic of a tier moving at once) is not one round trip per row. */
    @Override
    public void putProgress(Collection<TierProgress> progress) {
        writeAll(progress, p -> RowMapper.bind(statements, p), "writing tier progress");
    }

    @Override
    public List<TierProgress> progress() {
        List<TierProgress> out = new ArrayList<>();
        execute(statements.selectProgress.bind(), "reading tier progress").forEach(r -> out.add(RowMapper.progress(r)));
        return out;
    }

    @Override
    public void putVerdicts(Collection<EdgeVerdict> verdicts) {
        writeByPartition(
                verdicts,
                v -> v.topic() + '|' + RowMapper.day(v.bucket().start()),
                v -> RowMapper.bind(statements, v),
                v -> 200,
                "edge verdicts");
    }

    @Override
    public List<EdgeVerdict> verdicts(String topic, long fromMs, long toMs) {
        List<EdgeVerdict> out = new ArrayList<>();
        for (LocalDate day : days(fromMs, toMs, false)) {
            execute(
                            statements.selectVerdicts.bind(
                                    topic, day, Instant.ofEpochMilli(fromMs), Instant.ofEpochMilli(toMs)),
                            "reading edge verdicts")
                    .forEach(r -> out.add(RowMapper.verdict(r)));
        }
        return out;
    }

    @Override
    public void putRollups(Collection<VerdictRollup> rollups) {
        writeByPartition(
                rollups,
                r -> Long.toString(r.hourStart()),
                r -> RowMapper.bind(statements, r),
                r -> 300,
                "verdict rollups");
    }

    /** {@inheritDoc} One partition per hour, read in parallel. */
    @Override
    public List<VerdictRollup> rollups(long fromMs, long toMs) {
        List<java.util.concurrent.CompletionStage<com.datastax.oss.driver.api.core.cql.AsyncResultSet>> reads =
                new ArrayList<>();
        for (long hour = VerdictRollup.hourOf(fromMs + VerdictRollup.HOUR_MS - 1);
                hour < toMs;
                hour += VerdictRollup.HOUR_MS) {
            reads.add(session.executeAsync(statements.selectRollupsOfHour.bind(Instant.ofEpochMilli(hour))));
        }
        List<VerdictRollup> out = new ArrayList<>();
        for (var read : reads) {
            try {
                var page = read.toCompletableFuture().get();
                while (true) {
                    page.currentPage().forEach(r -> out.add(RowMapper.rollup(r)));
                    if (!page.hasMorePages()) {
                        break;
                    }
                    page = page.fetchNextPage().toCompletableFuture().get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException("interrupted while reading verdict rollups", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new StorageException(
                        "reading verdict rollups failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
        return out;
    }

    @Override
    public Discrepancy putDiscrepancy(Discrepancy discrepancy) {
        Row where = execute(statements.selectDiscrepancyById.bind(discrepancy.id()), "reading a discrepancy")
                .one();
        Discrepancy stored = where == null
                ? discrepancy
                : discrepancy.withDetectedAt(where.getInstant("detected_at").toEpochMilli());
        // the rows together (a logged batch: all three or none), their named ids after them: up to
        // tally.reconciler.max.ids of each kind, twice, which would take a batch past Cassandra's size warning (5 KiB)
        // and, with enough ids, its failure threshold (50 KiB); a crash in between leaves rows whose ids come with
        // their next write
        BatchStatement batch = BatchStatement.newInstance(
                DefaultBatchType.LOGGED,
                RowMapper.bind(statements.insertDiscrepancy, stored)
                        .unset("lost_ids")
                        .unset("duplicated_ids"),
                RowMapper.bind(statements.insertDiscrepancyByTopic, stored)
                        .unset("lost_ids")
                        .unset("duplicated_ids"),
                statements.insertDiscrepancyById.bind(
                        stored.id(),
                        RowMapper.day(stored.detectedAt()),
                        Instant.ofEpochMilli(stored.detectedAt()),
                        stored.topic(),
                        Instant.ofEpochMilli(stored.bucket().start())));
        execute(batch.setConsistencyLevel(consistency.write()), "writing a discrepancy");
        execute(
                statements.updateDiscrepancyIds.bind(
                        stored.lostIds(),
                        stored.duplicatedIds(),
                        RowMapper.day(stored.detectedAt()),
                        Instant.ofEpochMilli(stored.detectedAt()),
                        stored.id()),
                "writing a discrepancy's ids");
        execute(
                statements.updateDiscrepancyByTopicIds.bind(
                        stored.lostIds(),
                        stored.duplicatedIds(),
                        stored.topic(),
                        Instant.ofEpochMilli(stored.bucket().start()),
                        stored.id()),
                "writing a discrepancy's ids");
        return stored;
    }

    @Override
    public Optional<Discrepancy> discrepancy(UUID id) {
        Row where = execute(statements.selectDiscrepancyById.bind(id), "reading a discrepancy")
                .one();
        if (where == null) {
            return Optional.empty();
        }
        Row row = execute(
                        statements.selectDiscrepancy.bind(
                                where.getLocalDate("day"), where.getInstant("detected_at"), id),
                        "reading a discrepancy")
                .one();
        return Optional.ofNullable(row).map(RowMapper::discrepancy);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A cursor is resumed in two steps: the rest of its own position ({@code = position AND id > id}), then the
     * range before it. Both read clustering slices in the table's order, so a page costs what its rows cost.
     */
    @Override
    public List<Discrepancy> discrepancies(DiscrepancyQuery q) {
        List<Discrepancy> out = new ArrayList<>();
        DiscrepancyCursor after = q.after();
        long toMs = q.toMs();
        if (after != null) {
            if (after.position() < q.fromMs()) {
                return out;
            }
            if (after.position() < q.toMs()) {
                Instant at = Instant.ofEpochMilli(after.position());
                var rest = (q.topic() != null
                                ? statements.selectDiscrepanciesOfTopicAfter.bind(q.topic(), at, after.id())
                                : statements.selectDiscrepanciesOfDayAfter.bind(
                                        RowMapper.day(after.position()), at, after.id()))
                        .setPageSize(pageSize(q));
                if (collect(execute(rest, "reading discrepancies"), q, out)) {
                    return out;
                }
                toMs = after.position();
            }
            if (toMs <= q.fromMs()) {
                return out;
            }
        }
        Instant from = Instant.ofEpochMilli(q.fromMs());
        Instant to = Instant.ofEpochMilli(toMs);
        if (q.topic() != null) {
            collect(
                    execute(
                            statements
                                    .selectDiscrepanciesOfTopic
                                    .bind(q.topic(), from, to)
                                    .setPageSize(pageSize(q)),
                            "reading discrepancies"),
                    q,
                    out);
        } else {
            for (LocalDate day : days(q.fromMs(), toMs, true)) {
                if (collect(
                        execute(
                                statements
                                        .selectDiscrepanciesOfDay
                                        .bind(day, from, to)
                                        .setPageSize(pageSize(q)),
                                "reading discrepancies"),
                        q,
                        out)) {
                    break;
                }
            }
        }
        return out;
    }

    @Override
    public void putAgents(Collection<AgentSnapshot> agents) {
        writeAll(agents, a -> RowMapper.bind(statements, a), "writing agent states");
    }

    /** Writes one row per item, pipelined (rows of different partitions: no batch would help). */
    private <T> void writeAll(Collection<T> items, Function<T, BoundStatement> bind, String what) {
        if (items.isEmpty()) {
            return;
        }
        AsyncWrites writes = new AsyncWrites(session, DEFAULT_MAX_IN_FLIGHT);
        items.forEach(item -> writes.submit(bind.apply(item)));
        writes.await(what);
    }

    @Override
    public List<AgentSnapshot> agents() {
        List<AgentSnapshot> out = new ArrayList<>();
        execute(statements.selectAgents.bind(), "reading agent states").forEach(r -> out.add(RowMapper.agent(r)));
        return out;
    }

    @Override
    public void putAlertState(AlertState state) {
        execute(RowMapper.bind(statements, state), "writing alert state");
    }

    @Override
    public Optional<AlertState> alertState(UUID discrepancyId, String sink) {
        Row row = execute(statements.selectAlertState.bind(discrepancyId, sink), "reading alert state")
                .one();
        return Optional.ofNullable(row).map(RowMapper::alertState);
    }

    @Override
    public void ping() {
        execute(statements.selectDiscrepancyById.bind(new UUID(0, 0)), "reading the discrepancies table");
    }

    @Override
    public void close() {
        if (ownsSession) {
            session.close();
        }
    }

    /**
     * Rows fetched per page of a discrepancy read: the query's limit (a page of 100 reads about 100 rows, not the
     * driver's default of 5,000), at least 100 so that filters on kind and status do not cost a round trip per row.
     */
    private static int pageSize(DiscrepancyQuery q) {
        return Math.max(100, Math.min(q.limit(), 5_000));
    }

    /** Adds the rows passing the filters; @return whether the limit is reached */
    private static boolean collect(Iterable<Row> rows, DiscrepancyQuery q, List<Discrepancy> out) {
        for (Row r : rows) {
            Discrepancy d = RowMapper.discrepancy(r);
            if (q.matchesFilters(d)) {
                out.add(d);
                if (out.size() >= q.limit()) {
                    return true;
                }
            }
        }
        return false;
    }

    private <T> void writeByPartition(
            Collection<T> items,
            Function<T, String> partition,
            Function<T, BoundStatement> bind,
            java.util.function.ToIntFunction<T> bytes,
            String what) {
        Map<String, List<T>> byPartition = new LinkedHashMap<>();
        for (T item : items) {
            byPartition
                    .computeIfAbsent(partition.apply(item), k -> new ArrayList<>())
                    .add(item);
        }
        AsyncWrites writes = new AsyncWrites(session, DEFAULT_MAX_IN_FLIGHT);
        for (List<T> rows : byPartition.values()) {
            List<BoundStatement> chunk = new ArrayList<>();
            int chunkBytes = 0;
            for (T row : rows) {
                int size = bytes.applyAsInt(row);
                if (!chunk.isEmpty() && (chunk.size() >= MAX_ROWS_PER_BATCH || chunkBytes + size > MAX_BATCH_BYTES)) {
                    submit(writes, chunk);
                    chunk = new ArrayList<>();
                    chunkBytes = 0;
                }
                chunk.add(bind.apply(row));
                chunkBytes += size;
            }
            submit(writes, chunk);
        }
        writes.await(what);
    }

    private void submit(AsyncWrites writes, List<BoundStatement> chunk) {
        if (chunk.size() == 1) {
            writes.submit(chunk.get(0));
        } else if (!chunk.isEmpty()) {
            // a batch's own level applies, not its statements'
            BatchStatementBuilder batch =
                    BatchStatement.builder(DefaultBatchType.UNLOGGED).setConsistencyLevel(consistency.write());
            chunk.forEach(batch::addStatement);
            writes.submit(batch.build());
        }
    }

    /** The UTC days of {@code [fromMs, toMs)}, at most the TTL's worth back from {@code toMs}. */
    private List<LocalDate> days(long fromMs, long toMs, boolean newestFirst) {
        long last = toMs - 1;
        long first = Math.max(fromMs, last - ttlMs - DAY_MS);
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate d = RowMapper.day(first); !d.isAfter(RowMapper.day(last)); d = d.plusDays(1)) {
            days.add(d);
        }
        if (newestFirst) {
            java.util.Collections.reverse(days);
        }
        return days;
    }

    private com.datastax.oss.driver.api.core.cql.ResultSet execute(
            com.datastax.oss.driver.api.core.cql.Statement<?> statement, String what) {
        try {
            return session.execute(statement);
        } catch (DriverException e) {
            throw new StorageException(what + " failed: " + e.getMessage(), e);
        }
    }
}
