package io.tally.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.core.AgentIdentity;
import io.tally.core.AuditRecord;
import io.tally.core.Bucket;
import io.tally.core.CountingMode;
import io.tally.core.codec.AuditCodec;
import io.tally.core.sketch.IdDigest;
import io.tally.core.sketch.LatencySketch;
import java.util.SplittableRandom;

/**
 * Cost of decoding one agent audit record, as the aggregator sees them (one agent's flush: a few ids in a 128-cell
 * digest, a latency sketch), against a baseline measured in the same run: building a Jackson {@code databind} tree
 * of the same bytes, which is what a tree-based decoder pays before reading a single field. Prints µs per record;
 * see BENCHMARKS.md.
 */
public final class CodecDecodeCost {
    private static final ObjectMapper TREE = new ObjectMapper();

    private CodecDecodeCost() {}

    public static void main(String[] args) throws Exception {
        printing = false; // a first pass warms the JIT on every row
        table();
        printing = true;
        table();
        System.out.println("sink " + Timing.sink);
    }

    private static boolean printing;

    private static void table() {
        if (printing) {
            System.out.printf(
                    "%-6s %6s %11s %13s %12s %12s %11s %7s%n",
                    "ids", "bytes", "decode us", "tree only us", "latency us", "digest us", "encode us", "ratio");
        }
        for (int ids : new int[] {1, 5, 50, 500}) {
            byte[][] messages = messages(ids, 256);
            double decode = Timing.nanosPerOp(messages.length, () -> {
                        long sum = 0;
                        for (byte[] m : messages) {
                            sum += ((AuditRecord) AuditCodec.decode(m)).count();
                        }
                        return sum;
                    })
                    / 1_000;
            double tree = Timing.nanosPerOp(messages.length, () -> {
                        long sum = 0;
                        for (byte[] m : messages) {
                            sum += tree(m);
                        }
                        return sum;
                    })
                    / 1_000;
            AuditRecord sample = (AuditRecord) AuditCodec.decode(messages[0]);
            byte[] latency = sample.latency().toBytes();
            byte[] digest = sample.digest().toBytes();
            double latencyDecode =
                    Timing.nanosPerOp(1, () -> LatencySketch.fromBytes(latency).count()) / 1_000;
            double digestDecode =
                    Timing.nanosPerOp(1, () -> IdDigest.fromBytes(digest).totalCount()) / 1_000;
            double encode = Timing.nanosPerOp(1, () -> AuditCodec.encode(sample).length) / 1_000;
            if (printing) {
                System.out.printf(
                        "%-6d %6d %11.2f %13.2f %12.2f %12.2f %11.2f %7.2f%n",
                        ids, messages[0].length, decode, tree, latencyDecode, digestDecode, encode, decode / tree);
            }
        }
    }

    private static int tree(byte[] json) {
        try {
            return TREE.readTree(json).size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[][] messages(int ids, int n) {
        SplittableRandom random = new SplittableRandom(ids);
        long bucket = 1_790_000_000_000L - Math.floorMod(1_790_000_000_000L, 60_000);
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            LatencySketch latency = new LatencySketch();
            IdDigest digest = new IdDigest(IdDigest.DEFAULT_CELLS);
            for (int k = 0; k < ids; k++) {
                latency.add(random.nextInt(2_000));
                digest.add(random.nextLong());
            }
            out[i] = AuditCodec.encode(AuditRecord.builder(
                            new AgentIdentity("agent-" + i, "host-" + i),
                            "producer",
                            "topic-" + i % 10,
                            new Bucket(bucket, 60_000),
                            CountingMode.ACK)
                    .seq(i)
                    .emittedAt(bucket)
                    .count(ids)
                    .bytes(ids * 100L)
                    .latency(latency)
                    .digest(digest)
                    .build());
        }
        return out;
    }
}
