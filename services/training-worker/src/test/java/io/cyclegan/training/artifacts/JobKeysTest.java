package io.cyclegan.training.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.training.artifacts.JobKeys.CheckpointName;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobKeysTest {
  @Test
  void shouldNameTheWritersLeaseEpochInCheckpointKeys() {
    assertThat(JobKeys.checkpoint("zebra", "v1", 3, 0, 2))
        .isEqualTo("models/zebra/v1/checkpoints/epoch-3.e2.ckpt");
    assertThat(JobKeys.checkpoint("zebra", "v1", 3, 17, 2))
        .isEqualTo("models/zebra/v1/checkpoints/epoch-3-step-17.e2.ckpt");
    assertThat(JobKeys.checkpoint("zebra", "v1", 3, 0, 2))
        .as("two holders at one position never share a key")
        .isNotEqualTo(JobKeys.checkpoint("zebra", "v1", 3, 0, 3));
  }

  @Test
  void shouldReadKeysWrittenBeforeTheLeaseEpochAsEpochZero() {
    assertThat(CheckpointName.parse("models/zebra/v1/checkpoints/epoch-3-step-17.ckpt"))
        .contains(new CheckpointName(3, 17, 0));
    assertThat(CheckpointName.parse("epoch-3.e12.ckpt")).contains(new CheckpointName(3, 0, 12));
    assertThat(CheckpointName.parse("models/zebra/v1/checkpoints/epoch-3.ckpt.tmp")).isEmpty();
    assertThat(CheckpointName.parse("models/zebra/v1/generators.safetensors")).isEmpty();
  }

  @Test
  void shouldPickTheHighestLeaseEpochThenTheFurthestPositionAsNewest() {
    String p = "models/m/v/checkpoints/";
    assertThat(
            JobKeys.newestCheckpoint(
                List.of(
                    p + "epoch-9.ckpt",
                    p + "epoch-5.e1.ckpt",
                    p + "epoch-4.e2.ckpt",
                    p + "epoch-4-step-3.e2.ckpt",
                    p + "notes.txt")))
        .as("a later holder's checkpoint wins over an older holder's further one")
        .contains(p + "epoch-4-step-3.e2.ckpt");
    assertThat(JobKeys.newestCheckpoint(List.of(p + "epoch-1.ckpt", p + "epoch-2.ckpt")))
        .contains(p + "epoch-2.ckpt");
    assertThat(JobKeys.newestCheckpoint(List.of(p + "config.json"))).isEmpty();
  }
}
