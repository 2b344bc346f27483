package io.tally.core.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderLockTest {
    @TempDir
    Path dir;

    @Test
    void a_held_folder_is_refused_naming_the_holder_and_free_again_once_released() throws Exception {
        Path file = dir.resolve("data").resolve("x.lock");
        String pid = Long.toString(ProcessHandle.current().pid());
        FolderLock held = FolderLock.acquire(file, holder -> new IllegalStateException("held by " + holder));
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(pid);

        assertThatThrownBy(() -> FolderLock.acquire(file, holder -> new IllegalStateException("held by " + holder)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("held by " + pid);

        held.close();
        try (FolderLock again = FolderLock.acquire(file, holder -> new IllegalStateException("held"))) {
            assertThat(again).isNotNull();
        }
    }
}
