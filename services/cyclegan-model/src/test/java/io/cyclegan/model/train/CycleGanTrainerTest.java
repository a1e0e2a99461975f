package io.cyclegan.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.data.ImageSource;
import io.cyclegan.model.nn.Network;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CycleGanTrainerTest {

  @Test
  void shouldRunEpochsOfMaxDomainSizeWithDecayingRateWhenTraining() throws Exception {
    CycleGanConfig config =
        TrainerTestSupport.tinyConfig(1, 2).toBuilder().optCheckpointEvery(2).build();
    TrainerTestSupport.Recorder r = new TrainerTestSupport.Recorder();
    try (CycleGanTrainer t = TrainerTestSupport.trainer(config, 3, 5)) {
      assertThat(t.train(r, () -> false)).isEqualTo(TrainingOutcome.COMPLETED);
      assertThat(t.stepsPerEpoch()).isEqualTo(5);
      assertThat(r.progress).hasSize(15);
      assertThat(r.progress.get(0).learningRate()).isEqualTo(0.0002);
      assertThat(r.progress.get(5).learningRate()).isEqualTo(0.0002 * (1 - 1.0 / 3));
      assertThat(r.progress.get(14).learningRate()).isEqualTo(0.0002 * (1 - 2.0 / 3));
      assertThat(r.progress.get(14).globalStep()).isEqualTo(15);
      assertThat(r.epochs)
          .extracting(EpochSummary::epoch, EpochSummary::checkpointDue, EpochSummary::last)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(1, false, false),
              org.assertj.core.groups.Tuple.tuple(2, true, false),
              org.assertj.core.groups.Tuple.tuple(3, true, true));
      BufferedImage grid = t.renderSampleGrid();
      assertThat(grid.getWidth()).isEqualTo(3 * 32 + 4);
      assertThat(grid.getHeight()).isEqualTo(2 * 32 + 2);
    }
  }

  @Test
  void shouldRenderTheSampleGridInEvalModeAndRestoreTrainingMode() throws Exception {
    // Dropout and batch norm: in training mode two renders differ (dropout masks, batch
    // statistics of a single image); in eval mode they are equal.
    NetworkSpec spec =
        NetworkSpec.builder()
            .optGeneratorBlocks(1)
            .optNorm(Norm.BATCH)
            .optDropout(true)
            .optOutputChannels(1)
            .optNgf(4)
            .optNdf(4)
            .build();
    try (CycleGanTrainer t =
        CycleGanTrainer.builder()
            .setConfig(TrainerTestSupport.tinyConfig(1, 0))
            .setDomainA(ImageSource.ofImages(TrainerTestSupport.SHAPES.trainA(0, 2)))
            .setDomainB(ImageSource.ofImages(TrainerTestSupport.SHAPES.trainB(0, 2)))
            .optNetwork(spec)
            .build()) {
      BufferedImage first = t.renderSampleGrid();
      BufferedImage second = t.renderSampleGrid();
      assertThat(pixels(second)).containsExactly(pixels(first));
      assertThat(t.model().generatorA().isTraining()).isTrue();
      assertThat(t.model().generatorB().isTraining()).isTrue();
      // B is grayscale: its cells are gray.
      int p = first.getRGB(32 + 2 + 5, 5);
      assertThat((p >> 16) & 0xff).isEqualTo(p & 0xff).isEqualTo((p >> 8) & 0xff);
    }
  }

  private static int[] pixels(BufferedImage im) {
    return im.getRGB(0, 0, im.getWidth(), im.getHeight(), null, 0, im.getWidth());
  }

  @Test
  void shouldStopNamingTheLossesWhenTheyAreNotFinite() throws Exception {
    TrainerTestSupport.Recorder r = new TrainerTestSupport.Recorder();
    try (CycleGanTrainer t =
        TrainerTestSupport.trainer(TrainerTestSupport.tinyConfig(2, 0), 4, 4)) {
      // A weight that is NaN, as the wrong convolution gradients left them: every loss it
      // reaches is NaN from the first step.
      NDArray weight = t.model().discriminatorA().parameters().values().iterator().next();
      float[] nan = new float[Math.toIntExact(weight.size())];
      Arrays.fill(nan, Float.NaN);
      Network.assign(weight, nan);

      assertThatThrownBy(() -> t.train(r, () -> false))
          .isInstanceOf(TrainingDivergedException.class)
          .hasMessageContaining("training diverged at epoch 1, step 1 (step 1 of the job)")
          .hasMessageContaining("D_A")
          .hasMessageContaining("lr");
      assertThat(r.progress).as("progress reported with non-finite losses").isEmpty();
      assertThat(r.epochs).as("epochs ended (checkpoints due)").isEmpty();
    }
  }

  @Test
  void shouldStopBeforeNextStepWhenCancelled() throws Exception {
    try (CycleGanTrainer t =
        TrainerTestSupport.trainer(TrainerTestSupport.tinyConfig(2, 0), 4, 4)) {
      TrainingOutcome outcome = t.train(TrainingListener.NONE, () -> t.globalStep() >= 3);
      assertThat(outcome).isEqualTo(TrainingOutcome.CANCELLED);
      assertThat(t.globalStep()).isEqualTo(3);
      assertThat(t.epoch()).isZero();
      assertThat(t.stepInEpoch()).isEqualTo(3);
    }
  }

  @Test
  void shouldReproduceUninterruptedLossesWhenResumedMidEpochAndAtEpochEnd() throws Exception {
    // Same JVM, same seed, CPU: libtorch's CPU kernels are deterministic for a fixed thread
    // count, and every random choice (init, sampling, augmentation, pools) is in the checkpoint
    // or a function of (seed, epoch, step), so the losses must match exactly.
    CycleGanConfig config = TrainerTestSupport.tinyConfig(2, 1);
    TrainerTestSupport.Recorder straight = new TrainerTestSupport.Recorder();
    try (CycleGanTrainer t = TrainerTestSupport.trainer(config, 5, 4)) {
      t.train(straight, () -> false);
    }
    List<float[]> expected = straight.losses();
    assertThat(expected).hasSize(15);

    // Interrupted mid-epoch 2 (after 7 steps), saved, resumed in a new trainer...
    List<float[]> resumed = new ArrayList<>();
    byte[] checkpoint;
    TrainerTestSupport.Recorder first = new TrainerTestSupport.Recorder();
    try (CycleGanTrainer t = TrainerTestSupport.trainer(config, 5, 4)) {
      t.train(first, () -> t.globalStep() >= 7);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      t.saveCheckpoint(out);
      checkpoint = out.toByteArray();
    }
    resumed.addAll(first.losses());
    // ...and that run checkpointed again at the end of epoch 2, from the listener.
    byte[][] atEpochEnd = new byte[1][];
    TrainerTestSupport.Recorder second = new TrainerTestSupport.Recorder();
    try (CycleGanTrainer t = TrainerTestSupport.trainer(config, 5, 4)) {
      t.resume(new ByteArrayInputStream(checkpoint));
      assertThat(t.globalStep()).isEqualTo(7);
      t.train(
          new TrainingListener() {
            @Override
            public void onProgress(TrainingProgress p) {
              second.onProgress(p);
            }

            @Override
            public void onEpochEnd(EpochSummary s) {
              if (s.epoch() == 2) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try {
                  t.saveCheckpoint(out);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
                atEpochEnd[0] = out.toByteArray();
              }
            }
          },
          () -> false);
    }
    resumed.addAll(second.losses());
    assertSameLosses(resumed, expected);

    TrainerTestSupport.Recorder third = new TrainerTestSupport.Recorder();
    try (CycleGanTrainer t = TrainerTestSupport.trainer(config, 5, 4)) {
      t.resume(new ByteArrayInputStream(atEpochEnd[0]));
      assertThat(t.epoch()).isEqualTo(2);
      assertThat(t.stepInEpoch()).isZero();
      t.train(third, () -> false);
    }
    assertSameLosses(third.losses(), expected.subList(10, 15));
  }

  private static void assertSameLosses(List<float[]> actual, List<float[]> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i)).as("losses of step %d", i + 1).containsExactly(expected.get(i));
    }
  }

  @Test
  void shouldRefuseCheckpointOfOtherArchitectureNamingTheDifference() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CycleGanTrainer t =
        TrainerTestSupport.trainer(TrainerTestSupport.tinyConfig(1, 0), 2, 2)) {
      t.saveCheckpoint(out);
    }
    CycleGanConfig other =
        TrainerTestSupport.tinyConfig(1, 0).toBuilder().optGeneratorBlocks(2).build();
    try (CycleGanTrainer t = TrainerTestSupport.trainer(other, 2, 2)) {
      assertThatThrownBy(() -> t.resume(new ByteArrayInputStream(out.toByteArray())))
          .isInstanceOf(IncompatibleCheckpointException.class)
          .hasMessageContaining("generatorBlocks: checkpoint 1, requested 2");
    }
  }

  @Test
  void shouldRefuseTruncatedOrDamagedCheckpointWithoutChangingTheModel() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CycleGanTrainer t =
        TrainerTestSupport.trainer(TrainerTestSupport.tinyConfig(1, 0), 2, 2)) {
      t.train(TrainingListener.NONE, () -> t.globalStep() >= 1);
      t.saveCheckpoint(out);
    }
    byte[] bytes = out.toByteArray();
    byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);
    byte[] damaged = bytes.clone();
    damaged[bytes.length / 2] ^= 0x10;
    try (CycleGanTrainer t =
        TrainerTestSupport.trainer(TrainerTestSupport.tinyConfig(1, 0), 2, 2)) {
      float[] before = t.model().generatorA().parameters().get("model.1.weight").toFloatArray();
      assertThatThrownBy(() -> t.resume(new ByteArrayInputStream(truncated)))
          .isInstanceOf(CorruptCheckpointException.class)
          .hasMessageContaining("truncated");
      assertThatThrownBy(() -> t.resume(new ByteArrayInputStream(damaged)))
          .isInstanceOf(CorruptCheckpointException.class)
          .hasMessageContaining("checksum");
      assertThat(t.model().generatorA().parameters().get("model.1.weight").toFloatArray())
          .containsExactly(before);
      assertThat(t.globalStep()).isZero();
    }
  }

  @Test
  void shouldKeepLiveArrayCountFlatWhenTrainingHundredsOfSteps() throws Exception {
    // Every step's temporaries die with its sub-manager: after warm-up (Adam state created,
    // pools full) the number of live NDArrays, in the trainer and in the whole engine, is flat.
    CycleGanConfig config = TrainerTestSupport.tinyConfig(1, 0).toBuilder().optPoolSize(5).build();
    List<Integer> trainerCounts = new ArrayList<>();
    List<Integer> engineCounts = new ArrayList<>();
    try (CycleGanTrainer t =
        CycleGanTrainer.builder()
            .setConfig(config)
            .setDomainA(
                io.cyclegan.model.data.ImageSource.ofImages(
                    TrainerTestSupport.SHAPES.trainA(0, 300)))
            .setDomainB(
                io.cyclegan.model.data.ImageSource.ofImages(
                    TrainerTestSupport.SHAPES.trainB(0, 10)))
            .optLossReadEverySteps(20)
            .build()) {
      t.train(
          new TrainingListener() {
            @Override
            public void onProgress(TrainingProgress p) {
              trainerCounts.add(t.manager().getManagedArrays().size());
              engineCounts.add(engineArrayCount());
            }
          },
          () -> false);
      assertThat(t.globalStep()).isEqualTo(300);
    }
    assertThat(trainerCounts).hasSize(15);
    // After step 20 (warm-up) every count equals the first.
    assertThat(trainerCounts.subList(1, 15)).containsOnly(trainerCounts.get(1));
    assertThat(engineCounts.subList(1, 15)).containsOnly(engineCounts.get(1));
  }

  /** Live arrays under the engine's system manager, which is every base manager's parent. */
  private static int engineArrayCount() {
    try (NDManager probe = NDManager.newBaseManager()) {
      return probe.getParentManager().getManagedArrays().size();
    }
  }
}
