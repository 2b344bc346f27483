package io.tally.api.internal.view;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tally.core.TierProgress;
import io.tally.storage.AuditStore;
import io.tally.storage.Discrepancy;
import io.tally.storage.DiscrepancyQuery;
import io.tally.storage.DiscrepancyStatus;
import io.tally.storage.Verdict;
import io.tally.storage.VerdictRollup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every audited topic and every tier at one moment, read from the store: what {@code /api/v1/topics},
 * {@code /api/v1/tiers}, the metrics and the dashboard's first screen show. Immutable once built.
 *
 * @param generatedAt    when it was read, epoch ms
 * @param windowMs       the window of completeness and verdict counts, ending at {@code generatedAt}, counted in
 *                       whole hours of bucket starts (see {@link #read})
 * @param topics         every topic, worst first (lowest completeness, then most open discrepancies, then name)
 * @param tiers          every tier, by name
 * @param openByKind     open discrepancies of every topic by kind
 * @param verdictsByKind edge-buckets of the window by their latest verdict
 */
public record Overview(
        long generatedAt,
        long windowMs,
        List<TopicSummary> topics,
        List<TierSummary> tiers,
        Map<String, Long> openByKind,
        Map<String, Long> verdictsByKind) {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Overview.class);

    /** How far back open discrepancies are looked for: the store's default TTL. */
    static final long OPEN_LOOKBACK_MS = 14 * 86_400_000L;

    /**
     * One topic.
     *
     * @param tiers             the tiers that report on it
     * @param lastJudgedBucket  start of the newest bucket of the window with a final verdict on any edge; null if
     *                          none
     * @param lastJudgedBucketEnd its end, or null
     * @param openDiscrepancies open discrepancies of the topic (any age within the retention)
     * @param openByKind        the same by kind
     * @param completeness      share of upstream messages that reached downstream, over the final, judged
     *                          edge-buckets of the window ({@code Σ min(up, down) / Σ up}); null when none
     * @param edgeBuckets       edge-buckets of the window by their latest verdict
     * @param reconcileDelaySeconds seconds from the end of {@code lastJudgedBucket} to {@code generatedAt}: how far
     *                          the verdicts trail real time; null without a judged bucket
     */
    public record TopicSummary(
            String topic,
            List<String> tiers,
            Long lastJudgedBucket,
            Long lastJudgedBucketEnd,
            long openDiscrepancies,
            Map<String, Long> openByKind,
            Double completeness,
            Map<String, Long> edgeBuckets,
            Double reconcileDelaySeconds) {}

    /**
     * One tier over every topic it reports on.
     *
     * @param maxLagSeconds the largest lag over its topics, or null when none has an upstream
     * @param liveAgents    the most live agents it has on one topic
     * @param lastHeartbeat its newest heartbeat, epoch ms
     * @param status        {@code live} if any topic is live, else {@code closed} or {@code silent}
     * @param topics        the tier on each topic; null when left out ({@code ?detail=false})
     */
    public record TierSummary(
            String tier,
            Double maxLagSeconds,
            int liveAgents,
            long lastHeartbeat,
            String status,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<TierOnTopic> topics) {
        /** @return this summary without its per-topic list (a fleet of thousands of topics makes it megabytes) */
        public TierSummary withoutTopics() {
            return new TierSummary(tier, maxLagSeconds, liveAgents, lastHeartbeat, status, null);
        }
    }

    /**
     * One tier on one topic.
     *
     * @param watermark    the tier's watermark (highest event time seen and passed), epoch ms
     * @param upstreamTier the tier it is compared with, or null
     * @param lagSeconds   how far its watermark trails its upstream's, in seconds (0 when ahead); null without one
     * @param status       {@code live}: an agent reported within the liveness time; {@code closed}: recent
     *                     reports, but every agent closed; {@code silent}: no report within the liveness time
     */
    public record TierOnTopic(
            String topic,
            long watermark,
            String upstreamTier,
            Double lagSeconds,
            int liveAgents,
            long lastHeartbeat,
            String status) {}

    /**
     * Reads an overview: every tier's progress, the verdict rollups of the hours of the window, and the open
     * discrepancies — three reads, however many topics there are.
     *
     * @param windowMs completeness and verdict counts cover the buckets of the hours from the one holding
     *                 {@code now - windowMs} to the current one (rollups are hourly)
     * @throws io.tally.storage.StorageException if the store fails
     */
    public static Overview read(AuditStore store, long now, long windowMs, long livenessMs) {
        long t0 = System.nanoTime();
        Map<String, List<TierProgress>> byTopic = new TreeMap<>();
        for (TierProgress p : store.progress()) {
            byTopic.computeIfAbsent(p.topic(), k -> new ArrayList<>()).add(p);
        }
        long t1 = System.nanoTime();
        Map<String, List<VerdictRollup>> rollups = new HashMap<>();
        for (VerdictRollup r : store.rollups(VerdictRollup.hourOf(now - windowMs), now + 1)) {
            rollups.computeIfAbsent(r.topic(), k -> new ArrayList<>()).add(r);
            byTopic.computeIfAbsent(r.topic(), k -> new ArrayList<>());
        }
        long t2 = System.nanoTime();
        Map<String, Map<Verdict, Long>> open = openDiscrepancies(store, now);
        LOG.debug(
                "overview of {} topics read: progress {} ms, rollups {} ms, open discrepancies {} ms",
                byTopic.size(),
                (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000,
                (System.nanoTime() - t2) / 1_000_000);
        List<TopicSummary> topics = new ArrayList<>();
        Map<String, List<TierOnTopic>> tiers = new TreeMap<>();
        Map<String, Long> openByKind = new TreeMap<>();
        Map<String, Long> verdictsByKind = new TreeMap<>();
        for (Map.Entry<String, List<TierProgress>> t : byTopic.entrySet()) {
            String topic = t.getKey();
            Map<String, TierProgress> progress = new TreeMap<>();
            t.getValue().forEach(p -> progress.put(p.tier(), p));
            Set<String> names = new TreeSet<>(progress.keySet());
            for (TierProgress p : progress.values()) {
                String up = Upstreams.of(p.tier(), names);
                Double lag = up == null ? null : Math.max(0, progress.get(up).watermark() - p.watermark()) / 1000.0;
                tiers.computeIfAbsent(p.tier(), k -> new ArrayList<>())
                        .add(new TierOnTopic(
                                topic,
                                p.watermark(),
                                up,
                                lag,
                                p.liveAgents(),
                                p.lastHeartbeatAt(),
                                status(p, now, livenessMs)));
            }
            Map<Verdict, Long> openKinds = open.getOrDefault(topic, Map.of());
            openKinds.forEach((k, n) -> openByKind.merge(k.name(), n, Long::sum));
            TopicSummary summary = summarize(topic, names, rollups.getOrDefault(topic, List.of()), openKinds, now);
            summary.edgeBuckets().forEach((k, n) -> verdictsByKind.merge(k, n, Long::sum));
            topics.add(summary);
        }
        topics.sort(Comparator.comparing((TopicSummary s) -> s.completeness() == null ? 2.0 : s.completeness())
                .thenComparing(s -> -s.openDiscrepancies())
                .thenComparing(TopicSummary::topic));
        List<TierSummary> tierList = new ArrayList<>();
        tiers.forEach((tier, list) -> tierList.add(tierSummary(tier, list)));
        return new Overview(now, windowMs, List.copyOf(topics), List.copyOf(tierList), openByKind, verdictsByKind);
    }

    private static TopicSummary summarize(
            String topic, Set<String> tiers, List<VerdictRollup> rollups, Map<Verdict, Long> open, long now) {
        long upstream = 0;
        long delivered = 0;
        Long lastJudged = null;
        Long lastJudgedEnd = null;
        Map<String, Long> counts = new TreeMap<>();
        for (VerdictRollup r : rollups) {
            r.edgeBuckets().forEach((v, n) -> counts.merge(v.name(), n, Long::sum));
            upstream += r.upstream();
            delivered += r.delivered();
            if (r.lastFinalBucket() >= 0 && (lastJudged == null || r.lastFinalBucket() > lastJudged)) {
                lastJudged = r.lastFinalBucket();
                lastJudgedEnd = r.lastFinalBucket() + r.bucketSizeMs();
            }
        }
        Map<String, Long> openKinds = new TreeMap<>();
        open.forEach((k, n) -> openKinds.put(k.name(), n));
        long openTotal = open.values().stream().mapToLong(Long::longValue).sum();
        return new TopicSummary(
                topic,
                List.copyOf(tiers),
                lastJudged,
                lastJudgedEnd,
                openTotal,
                openKinds,
                upstream == 0 ? null : (double) delivered / upstream,
                counts,
                lastJudgedEnd == null ? null : Math.max(0, now - lastJudgedEnd) / 1000.0);
    }

    private static TierSummary tierSummary(String tier, List<TierOnTopic> topics) {
        Double maxLag = null;
        int live = 0;
        long heartbeat = 0;
        String status = "silent";
        for (TierOnTopic t : topics) {
            if (t.lagSeconds() != null && (maxLag == null || t.lagSeconds() > maxLag)) {
                maxLag = t.lagSeconds();
            }
            live = Math.max(live, t.liveAgents());
            heartbeat = Math.max(heartbeat, t.lastHeartbeat());
            if (t.status().equals("live") || (t.status().equals("closed") && status.equals("silent"))) {
                status = t.status();
            }
        }
        return new TierSummary(tier, maxLag, live, heartbeat, status, List.copyOf(topics));
    }

    private static String status(TierProgress p, long now, long livenessMs) {
        if (now - p.lastHeartbeatAt() > livenessMs) {
            return "silent";
        }
        return p.liveAgents() > 0 ? "live" : "closed";
    }

    /** Open discrepancies by topic and kind: one scan of the days of detection, newest first. */
    private static Map<String, Map<Verdict, Long>> openDiscrepancies(AuditStore store, long now) {
        Map<String, Map<Verdict, Long>> open = new HashMap<>();
        DiscrepancyQuery q = DiscrepancyQuery.detectedBetween(now - OPEN_LOOKBACK_MS, now + 1)
                .withStatus(DiscrepancyStatus.OPEN);
        List<Discrepancy> page;
        do {
            page = store.discrepancies(q);
            for (Discrepancy d : page) {
                open.computeIfAbsent(d.topic(), k -> new EnumMap<>(Verdict.class))
                        .merge(d.kind(), 1L, Long::sum);
            }
            if (!page.isEmpty()) {
                q = q.withAfter(io.tally.storage.DiscrepancyCursor.after(page.get(page.size() - 1), q));
            }
        } while (page.size() == q.limit());
        return open;
    }
}
