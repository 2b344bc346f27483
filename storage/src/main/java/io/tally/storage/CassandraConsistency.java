package io.tally.storage;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import java.util.Locale;
import java.util.Objects;

/**
 * The consistency levels of the store's reads and writes. On a cluster, LOCAL_QUORUM for both: a read then sees every
 * acknowledged write while one replica of three is down or behind, so a reconciler that takes over partitions never
 * reads an older alert state than the one it replaces wrote. On a single node every level but those needing more
 * replicas is the same.
 *
 * @param read  level of every read
 * @param write level of every write
 */
public record CassandraConsistency(ConsistencyLevel read, ConsistencyLevel write) {
    /** LOCAL_QUORUM for reads and writes: the default. */
    public static final CassandraConsistency LOCAL_QUORUM =
            new CassandraConsistency(DefaultConsistencyLevel.LOCAL_QUORUM, DefaultConsistencyLevel.LOCAL_QUORUM);

    public CassandraConsistency {
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(write, "write");
    }

    /**
     * @param name a level's name, any case ({@code local_quorum})
     * @throws IllegalArgumentException naming the levels there are, for any other name
     */
    public static ConsistencyLevel level(String name) {
        try {
            return DefaultConsistencyLevel.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "not a consistency level: '" + name + "' (one of ONE, TWO, THREE, QUORUM, ALL, LOCAL_ONE, "
                            + "LOCAL_QUORUM, EACH_QUORUM)",
                    e);
        }
    }
}
