package io.tally.standalone;

import static io.tally.standalone.ApiClient.pause;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One lane of the soak: a topic, its partitions and the group that reads it, whose members run in JVMs of their own
 * so that they can be SIGKILLed. A lane is read either by plain consumers ({@link SoakConsumer}) or by the Kafka Streams
 * application ({@link StreamsApp}: exactly-once, a repartition topic, a changelog) as instances with static membership,
 * each with a state folder of its own that outlives it.
 */
final class SoakLane {
    private static final Path LOGS = Path.of("target", "soak");

    /** A running member: its name (its {@code group.instance.id} for Streams) and its JVM. */
    private record Member(String name, ChildJvm jvm) {}

    private final String topic;
    private final int partitions;
    private final String group;
    private final boolean streams;
    private final List<Member> members = new ArrayList<>();
    private String kafka;
    private Path stateDirs;
    private long bucketMs;
    private int started;

    private SoakLane(String topic, int partitions, String group, boolean streams) {
        this.topic = topic;
        this.partitions = partitions;
        this.group = group;
        this.streams = streams;
    }

    /** A lane read by plain committing consumers. */
    static SoakLane plain(String topic, int partitions, String group) {
        return new SoakLane(topic, partitions, group, false);
    }

    /** The lane of the Kafka Streams application: its input topic, its application id as the group. */
    static SoakLane streams() {
        return new SoakLane(StreamsApp.INPUT, 3, StreamsApp.APPLICATION_ID, true);
    }

    String topic() {
        return topic;
    }

    String group() {
        return group;
    }

    boolean isStreams() {
        return streams;
    }

    /** Every topic of the lane that Tally audits: for Streams, its repartition topic, changelog and output too. */
    List<String> auditedTopics() {
        return streams
                ? List.of(topic, StreamsApp.REPARTITION, StreamsApp.CHANGELOG, StreamsApp.OUTPUT)
                : List.of(topic);
    }

    /** The topics its group reads and commits. */
    List<String> readTopics() {
        return streams ? List.of(topic, StreamsApp.REPARTITION) : List.of(topic);
    }

    /** Creates the lane's topics and starts two members. */
    void start(String kafka, Path stateDirs, long bucketMs) throws Exception {
        this.kafka = kafka;
        this.stateDirs = stateDirs;
        this.bucketMs = bucketMs;
        AuditedClients.createTopic(kafka, topic, partitions);
        if (streams) {
            AuditedClients.createTopic(kafka, StreamsApp.OUTPUT, 3);
        }
        startMembers(2);
    }

    /** A member SIGKILLed; after 3 s one takes its place (a Streams instance comes back under its own name). */
    void kill(Random random) throws Exception {
        Member dead = members.remove(random.nextInt(members.size()));
        dead.jvm().kill();
        pause(3_000);
        members.add(start(streams ? dead.name() : "m" + ++started));
    }

    /** A member stopped cleanly and started again. */
    void restart(Random random) throws Exception {
        Member stopped = members.remove(random.nextInt(members.size()));
        stopped.jvm().stop();
        members.add(start(streams ? stopped.name() : "m" + ++started));
    }

    /**
     * A member added for 8 s, then stopped: two rebalances. A Streams instance added so runs without static membership,
     * so that its clean stop leaves the group (a static member would hold its tasks for the session timeout).
     */
    void rebalance() throws Exception {
        Member extra = start("extra" + ++started);
        pause(8_000);
        extra.jvm().stop();
    }

    /** Every member stopped cleanly (for a fault made while the group is down). */
    void stopAll() throws InterruptedException {
        for (Member m : members) {
            m.jvm().stop();
        }
        members.clear();
    }

    /** Two members started, after {@link #stopAll()}. */
    void startMembers(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            members.add(start(streams ? "i" + (i + 1) : "m" + ++started));
        }
    }

    /** Every member's JVM ended, SIGKILLed if it does not stop. */
    void close() throws InterruptedException {
        for (Member m : members) {
            m.jvm().close();
        }
        members.clear();
    }

    private Member start(String name) throws Exception {
        ChildJvm jvm;
        if (streams) {
            List<String> args =
                    new ArrayList<>(List.of(kafka, stateDirs.resolve(name).toString(), String.valueOf(bucketMs)));
            if (!name.startsWith("extra")) {
                args.add(name); // its group.instance.id
            }
            jvm = ChildJvm.start(
                    StreamsApp.class,
                    LOGS.resolve("streams-" + name + "-" + ++started + ".log"),
                    args.toArray(String[]::new));
            jvm.awaitLine("RUNNING", Duration.ofSeconds(90));
        } else {
            jvm = ChildJvm.start(
                    SoakConsumer.class,
                    LOGS.resolve("member-" + name + "-" + group + ".log"),
                    kafka,
                    topic,
                    group,
                    String.valueOf(bucketMs));
            jvm.awaitLine("STARTED", Duration.ofSeconds(60));
        }
        return new Member(name, jvm);
    }
}
