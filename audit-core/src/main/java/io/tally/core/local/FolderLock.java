package io.tally.core.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Function;

/**
 * An exclusive lock on a data folder, held while one process runs on it: two processes on one folder would corrupt
 * it (a local Cassandra node's files, a standalone's Kafka log). An OS file lock on a file in the folder, so a crashed
 * holder releases it; the holder writes its process id into the file, so that the one refused can say who holds it.
 * Not thread-safe: one owner takes and releases it.
 */
public final class FolderLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock on {@code lockFile}, creating its folder and the file when missing.
     *
     * @param inUse the error to throw when another process, or another lock of this one, holds it; given the
     *     holder's process id as it wrote it, or an empty string when it is not known
     * @throws IOException if the folder or the file cannot be made, or the file cannot be locked or written
     */
    public static FolderLock acquire(Path lockFile, Function<String, ? extends RuntimeException> inUse)
            throws IOException {
        Path folder = lockFile.toAbsolutePath().getParent();
        if (folder != null) {
            Files.createDirectories(folder);
        }
        FileChannel channel = FileChannel.open(
                lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw inUse.apply(holder(channel));
            }
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            return new FolderLock(channel, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Releases the lock.
     *
     * @throws IOException if the lock file cannot be closed; the lock is released all the same when the process ends
     */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it as well
        }
        channel.close();
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer text = ByteBuffer.allocate(32);
            while (text.hasRemaining() && channel.read(text, text.position()) > 0) {
                // reads the process id the holder wrote, at most a few digits
            }
            return new String(text.array(), 0, text.position(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
