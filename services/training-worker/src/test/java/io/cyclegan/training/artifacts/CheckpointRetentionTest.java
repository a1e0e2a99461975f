package io.cyclegan.training.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.training.job.CheckpointRef;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointRetentionTest {
  private static CheckpointRef ref(int epoch) {
    return new CheckpointRef(
        "models/m/v/checkpoints/epoch-" + epoch + ".ckpt", epoch, 0, epoch, 1, Instant.EPOCH);
  }

  @Test
  void shouldDropAllButTheNewestKOldestFirst() {
    CheckpointStore store = new CheckpointStore(null, Path.of("/tmp"), 3);

    assertThat(store.beyondRetention(List.of(ref(1), ref(2), ref(3), ref(4), ref(5))))
        .containsExactly(ref(1), ref(2));
    assertThat(store.beyondRetention(List.of(ref(1), ref(2), ref(3)))).isEmpty();
  }

  @Test
  void shouldAlwaysKeepTheNewestCheckpoint() {
    CheckpointStore store = new CheckpointStore(null, Path.of("/tmp"), 1);

    assertThat(store.beyondRetention(List.of(ref(1), ref(2)))).containsExactly(ref(1));
    assertThatThrownBy(() -> new CheckpointStore(null, Path.of("/tmp"), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
