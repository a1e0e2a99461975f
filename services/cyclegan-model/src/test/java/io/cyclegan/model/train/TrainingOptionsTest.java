package io.cyclegan.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.data.Preprocess;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.cyclegan.model.translate.Direction;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The #16 training options, end to end through a tiny trainer, its checkpoint and export. */
class TrainingOptionsTest {

  @Test
  void shouldTrainResumeAndTranslateWithVanillaCosineXavierAndScaleWidth() throws Exception {
    CycleGanConfig config =
        TrainerTestSupport.tinyConfig(2, 1).toBuilder()
            .optGanMode(GanMode.VANILLA)
            .optLrPolicy(LrPolicy.COSINE)
            .optInitType(InitType.XAVIER)
            .optInitGain(0.5)
            .optPreprocess(Preprocess.SCALE_WIDTH_AND_CROP)
            .optLoadSize(40)
            .optFlip(false)
            .build();
    ByteArrayOutputStream checkpoint = new ByteArrayOutputStream();
    try (CycleGanTrainer trainer = TrainerTestSupport.trainer(config, 2, 2)) {
      TrainerTestSupport.Recorder recorder = new TrainerTestSupport.Recorder();
      trainer.train(
          new TrainingListener() {
            @Override
            public void onProgress(TrainingProgress p) {
              recorder.onProgress(p);
            }

            @Override
            public void onEpochEnd(EpochSummary s) {}
          },
          () -> trainer.epoch() >= 1);
      assertThat(recorder.losses())
          .isNotEmpty()
          .allSatisfy(l -> assertThat(l).doesNotContain(Float.NaN));
      // cosine over epochs = 2: epoch 0 at the full rate, epoch 1 at half of it
      assertThat(recorder.progress.get(0).learningRate()).isEqualTo(config.lr());
      trainer.saveCheckpoint(checkpoint);
    }
    ByteArrayOutputStream export = new ByteArrayOutputStream();
    try (CycleGanTrainer resumed = TrainerTestSupport.trainer(config, 2, 2)) {
      resumed.resume(new ByteArrayInputStream(checkpoint.toByteArray()));
      assertThat(resumed.epoch()).isEqualTo(1);
      assertThat(resumed.learningRate())
          .isCloseTo(config.lr() / 2, org.assertj.core.api.Assertions.within(1e-12));
      resumed.train(new TrainerTestSupport.Recorder(), () -> false);
      resumed.exportGenerators(export);
    }
    try (CycleGanTranslator translator =
        CycleGanTranslator.load(new ByteArrayInputStream(export.toByteArray()), Device.cpu())) {
      // scale_width_and_crop: width to loadSize 40, then a centred imageSize crop
      BufferedImage sized =
          translator.preprocess(new BufferedImage(80, 60, BufferedImage.TYPE_INT_RGB));
      assertThat(sized.getWidth()).isEqualTo(32);
      assertThat(sized.getHeight()).isEqualTo(32);
      List<BufferedImage> out = translator.translate(List.of(sized), Direction.A_TO_B);
      assertThat(out.get(0).getWidth()).isEqualTo(32);
    }
  }

  @Test
  void shouldRefuseAResumeThatChangesTheGanModeOrThePreprocess() throws Exception {
    CycleGanConfig config = TrainerTestSupport.tinyConfig(1, 1);
    ByteArrayOutputStream checkpoint = new ByteArrayOutputStream();
    try (CycleGanTrainer trainer = TrainerTestSupport.trainer(config, 1, 1)) {
      trainer.saveCheckpoint(checkpoint);
    }
    CycleGanConfig other =
        config.toBuilder().optGanMode(GanMode.VANILLA).optPreprocess(Preprocess.CROP).build();
    try (CycleGanTrainer trainer = TrainerTestSupport.trainer(other, 1, 1)) {
      assertThatThrownBy(() -> trainer.resume(new ByteArrayInputStream(checkpoint.toByteArray())))
          .isInstanceOf(IncompatibleCheckpointException.class)
          .hasMessageContaining("ganMode: checkpoint lsgan, requested vanilla")
          .hasMessageContaining("preprocess: checkpoint resize_and_crop, requested crop");
    }
    CycleGanConfig newSchedule = config.toBuilder().optLrPolicy(LrPolicy.STEP).build();
    try (CycleGanTrainer trainer = TrainerTestSupport.trainer(newSchedule, 1, 1)) {
      trainer.resume(new ByteArrayInputStream(checkpoint.toByteArray()));
      assertThat(trainer.epoch()).isZero();
    }
  }

  @Test
  void shouldTranslateResizeAndCropModelsAtTheCropAndOthersAsTheOfficialTestDoes() {
    BufferedImage wide = new BufferedImage(100, 50, BufferedImage.TYPE_INT_RGB);
    assertThat(size(new io.cyclegan.model.data.Sizing(Preprocess.RESIZE_AND_CROP, 36, 32), wide))
        .containsExactly(32, 32);
    assertThat(size(new io.cyclegan.model.data.Sizing(Preprocess.CROP, 36, 32), wide))
        .containsExactly(32, 32);
    assertThat(size(new io.cyclegan.model.data.Sizing(Preprocess.SCALE_WIDTH, 40, 32), wide))
        .containsExactly(40, 32);
    assertThat(size(new io.cyclegan.model.data.Sizing(Preprocess.SCALE_WIDTH, 40, 16), wide))
        .containsExactly(40, 20);
    assertThat(size(new io.cyclegan.model.data.Sizing(Preprocess.NONE, 36, 32), wide))
        .containsExactly(100, 50);
  }

  private static int[] size(io.cyclegan.model.data.Sizing sizing, BufferedImage image) {
    BufferedImage out = sizing.forTranslation(image);
    return new int[] {out.getWidth(), out.getHeight()};
  }
}
