package io.tally.standalone;

import io.tally.aggregator.AggregatorConfig;
import io.tally.api.ApiConfig;
import io.tally.core.settings.SharedSettings;
import io.tally.reconciler.ReconcilerConfig;
import java.util.Map;

/**
 * The settings tables of the roles a standalone runs, each read once from the same settings: what a role is started
 * with, started again with, and what the standalone tells of it (the bucket size the agents must use) all come from
 * here.
 *
 * @param aggregator the aggregator's jobs
 * @param reconciler the reconciler
 * @param api the API and dashboard
 */
record RoleConfigs(AggregatorConfig aggregator, ReconcilerConfig reconciler, ApiConfig api) {

    /**
     * @param settings the settings every role reads (see {@link Standalone#roleSettings})
     * @throws IllegalArgumentException naming the key and value, for a setting a role refuses
     */
    static RoleConfigs of(Map<String, ?> settings) {
        return new RoleConfigs(
                AggregatorConfig.fromProperties(settings),
                ReconcilerConfig.fromProperties(settings),
                ApiConfig.fromProperties(settings));
    }

    /** @return the bucket size the aggregator runs with, in ms: what the agents' {@code tally.bucket.ms} must be */
    long bucketMs() {
        return aggregator.getLong(SharedSettings.BUCKET_MS);
    }
}
