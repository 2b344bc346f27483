package io.tally.storage.internal;

import io.tally.storage.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data folder ({@code node.lock}), held while a node runs on it: two nodes on one folder
 * would corrupt it. An OS file lock, so a crashed holder releases it.
 */
public final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws StorageException if another node holds the folder or the lock file cannot be made
     */
    public static DataDirLock acquire(NodeLayout layout) {
        FileChannel channel = null;
        try {
            Files.createDirectories(layout.root());
            channel = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new OverlappingFileLockException();
            }
            return new DataDirLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new StorageException("The Cassandra data folder " + layout.root()
                    + " is in use by another local node; "
                    + "stop it or choose another data folder.");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException("Could not lock the Cassandra data folder " + layout.root() + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
