package io.cyclegan.training.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.testkit.StackKit;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.data.ImageSource;
import io.cyclegan.model.train.CycleGanTrainer;
import io.cyclegan.model.train.TrainingListener;
import io.cyclegan.training.job.CheckpointRef;
import io.cyclegan.training.job.CommandSource;
import io.cyclegan.training.job.JobState;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints written before keys carried the writer's lease epoch still resume. */
@ExtendWith(LocalStackExtension.class)
class CheckpointKeysIT {
  @TempDir Path tmp;

  @Test
  void shouldResumeFromACheckpointWrittenBeforeKeysCarriedTheLeaseEpoch(LocalStack stack)
      throws Exception {
    ObjectStore store = StackKit.store(stack);
    String version = "old-" + UUID.randomUUID().toString().substring(0, 8);
    // The key an earlier release wrote, and its state.json: no lease epoch in either.
    String oldKey = "models/zebra/" + version + "/checkpoints/epoch-1.ckpt";
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    try (CycleGanTrainer first = trainer()) {
      first.train(new TrainingListener() {}, () -> false);
      first.saveCheckpoint(saved);
    }
    store.put(oldKey, saved.toByteArray(), "application/octet-stream");
    CheckpointRef ref = new CheckpointRef(oldKey, 1, 0, 4, saved.size(), Instant.now());
    JobState state =
        JobState.accepted(
                version,
                "zebra",
                "ds",
                Map.of(),
                new CommandSource("g", "cyclegan.training.commands", 0, 1),
                "w0")
            .withCheckpoint(ref);
    CheckpointStore checkpoints = new CheckpointStore(store, tmp);

    List<CheckpointRef> candidates = checkpoints.resumeCandidates(state);
    Optional<CheckpointRef> restored;
    int epoch;
    try (CycleGanTrainer second = trainer()) {
      restored = checkpoints.restoreNewest(second, candidates);
      epoch = second.epoch();
    }

    assertThat(candidates).containsExactly(ref);
    assertThat(restored).contains(ref);
    assertThat(epoch).isEqualTo(1);
    assertThat(JobKeys.newestCheckpoint(List.of(oldKey))).contains(oldKey);
  }

  /** One epoch of the smallest network on four 32 px images per domain. */
  private static CycleGanTrainer trainer() {
    CycleGanConfig config =
        CycleGanConfig.builder()
            .optImageSize(32)
            .optLoadSize(32)
            .optNgf(4)
            .optNdf(4)
            .optGeneratorBlocks(1)
            .optEpochs(1)
            .optDecayEpochs(0)
            .optPoolSize(2)
            .optSeed(11)
            .optDevice("cpu")
            .build();
    return CycleGanTrainer.builder()
        .setConfig(config)
        .setDomainA(ImageSource.ofImages(images(1)))
        .setDomainB(ImageSource.ofImages(images(2)))
        .optDevice(Device.cpu())
        .build();
  }

  private static List<BufferedImage> images(long seed) {
    Random random = new Random(seed);
    List<BufferedImage> out = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          image.setRGB(x, y, new Color(random.nextInt(256), 80, 160).getRGB());
        }
      }
      out.add(image);
    }
    return out;
  }
}
