/**
 * What the roles that keep data on this machine share: the {@link io.tally.core.local.FolderLock} that keeps two
 * processes off one data folder (the local Cassandra node of storage, {@code tally standalone}). JDK only.
 */
package io.tally.core.local;
