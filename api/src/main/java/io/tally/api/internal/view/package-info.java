/**
 * What the API answers, as JSON-ready records built from the store's rows: discrepancies with their ids in hex, the
 * per-bucket report of a topic, the cached overview of topics and tiers (with each tier's lag behind its
 * upstream), and the meta answer (every verdict with its colours, the refresh interval). Nothing here knows HTTP.
 */
package io.tally.api.internal.view;
