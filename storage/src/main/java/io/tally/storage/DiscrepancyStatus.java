package io.tally.storage;

/** Whether a discrepancy still stands. */
public enum DiscrepancyStatus {
    /** The latest verdict of its edge and bucket is still a discrepancy. */
    OPEN,
    /** Late data (or a caught-up tier) made the edge and bucket complete again. */
    RESOLVED
}
