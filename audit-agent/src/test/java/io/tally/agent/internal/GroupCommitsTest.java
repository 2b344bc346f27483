package io.tally.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class GroupCommitsTest {
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);
    private static final TopicPartition P2 = new TopicPartition("orders", 2);

    @Test
    void a_static_member_is_this_consumer_by_its_group_instance_id_whatever_client_id_the_group_kept() {
        // restarted with the same group.instance.id, it rejoined in place of its former self, whose client id stays
        MemberDescription rejoined = new MemberDescription(
                "m2",
                Optional.of("b-1"),
                "app-OLD-process-consumer",
                "/10.0.0.2",
                new MemberAssignment(Set.of(P1, P2)));
        List<MemberDescription> members = List.of(member("m1", "app-a-consumer", P0), rejoined);

        assertThat(GroupCommits.assignedToMe(members, "app-NEW-process-consumer", "b-1", Set.of(P1)))
                .containsExactlyInAnyOrder(P1, P2);
        assertThat(GroupCommits.assignedToMe(members, "app-NEW-process-consumer", null, Set.of(P1)))
                .as("by its client id it is not found")
                .isEmpty();
    }

    private static MemberDescription member(String memberId, String clientId, TopicPartition... assigned) {
        return new MemberDescription(memberId, clientId, "/10.0.0.1", new MemberAssignment(Set.of(assigned)));
    }

    @Test
    void the_member_with_this_client_id_is_this_consumer() {
        assertThat(GroupCommits.assignedToMe(
                        List.of(member("m1", "billing-1", P0), member("m2", "billing-2", P1, P2)),
                        "billing-2",
                        null,
                        Set.of(P1)))
                .containsExactlyInAnyOrder(P1, P2);
    }

    @Test
    void of_several_members_with_the_default_client_id_the_one_assigned_its_waiting_partitions_is_this_consumer() {
        List<MemberDescription> members =
                List.of(member("m1", "consumer-billing-1", P0), member("m2", "consumer-billing-1", P1, P2));

        assertThat(GroupCommits.assignedToMe(members, "consumer-billing-1", null, Set.of(P2)))
                .containsExactlyInAnyOrder(P1, P2);
        assertThat(GroupCommits.assignedToMe(members, "consumer-billing-1", null, Set.of(P0, P1)))
                .as("no member holds them all: cannot tell")
                .isEmpty();
        assertThat(GroupCommits.assignedToMe(members, "consumer-billing-9", null, Set.of(P0)))
                .as("not a member")
                .isEmpty();
    }

    @Test
    void during_a_rebalance_no_member_owns_a_partition_and_every_offset_read_before_is_the_last_owner_s() {
        var committed = java.util.Map.of(P0, 10L, P1, 20L);
        GroupCommits.Handover h = GroupCommits.handoverOf(committed, false, List.of(), "streams-a", null);

        assertThat(h.committed()).isEqualTo(committed);
        assertThat(h.settled()).isFalse();
    }

    @Test
    void once_stable_only_offsets_of_partitions_this_consumer_alone_owns_or_nobody_owns_are_its_own() {
        var committed = java.util.Map.of(P0, 10L, P1, 20L, P2, 30L);
        // P1 went to another member, which may have committed already; P2 waits for its next owner
        List<MemberDescription> members = List.of(member("m1", "streams-a", P0), member("m2", "streams-b", P1));

        GroupCommits.Handover h = GroupCommits.handoverOf(committed, true, members, "streams-a", null);

        assertThat(h.committed()).containsOnlyKeys(P0, P2);
        assertThat(h.taken())
                .as("what waits there is the other member's to count")
                .containsExactly(P1);
        assertThat(h.settled()).as("P2 has no owner yet").isFalse();
        assertThat(GroupCommits.handoverOf(java.util.Map.of(P0, 10L, P1, 20L), true, members, "streams-a", null)
                        .settled())
                .isTrue();
    }

    @Test
    void a_partition_of_a_member_with_the_same_default_client_id_may_be_either_s_and_is_not_taken() {
        List<MemberDescription> members =
                List.of(member("m1", "consumer-billing-1", P0), member("m2", "consumer-billing-1", P1));

        assertThat(GroupCommits.handoverOf(
                                java.util.Map.of(P0, 10L, P1, 20L), true, members, "consumer-billing-1", null)
                        .committed())
                .isEmpty();
        assertThat(GroupCommits.handoverOf(java.util.Map.of(P1, 20L), true, members, "consumer-billing-1", null)
                        .taken())
                .as("nor given up")
                .isEmpty();
    }
}
