package io.cyclegan.model.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.data.ImageSource;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.train.CycleGanTrainer;
import io.cyclegan.model.train.GanMode;
import io.cyclegan.model.train.TrainingListener;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.cyclegan.model.translate.Direction;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The whole path a user takes (train from images, export the generators, load them for inference,
 * translate held-out images) learns the known mapping: after 400 steps of a tiny CycleGAN (about 20
 * s on 2 cores) the held-out L1 to the truth is under half the identity baseline. Reference
 * hyperparameters except the sizes; with the LSGAN loss and with the vanilla (BCE) one.
 *
 * <p>The U-Net variant needs 128 px images ({@code unet_128} halves the size seven times), about
 * ten times the work of the 32 px ResNet, so it runs on request: {@code
 * -Dcyclegan.learning.unet=true} (its figures are in docs/training-parameters.md).
 */
class SyntheticLearningTest {

  @Test
  void shouldBeatHalfTheIdentityBaselineWhenTrainedBriefly() throws Exception {
    assertLearns(32, tiny(32).optGeneratorBlocks(2).build());
  }

  @Test
  void shouldBeatHalfTheIdentityBaselineWithTheVanillaGanLoss() throws Exception {
    assertLearns(32, tiny(32).optGeneratorBlocks(2).optGanMode(GanMode.VANILLA).build());
  }

  @Test
  @EnabledIfSystemProperty(named = "cyclegan.learning.unet", matches = "true")
  void shouldBeatHalfTheIdentityBaselineWithTheUnet128Generator() throws Exception {
    assertLearns(
        128,
        tiny(128)
            .optGenerator(NetworkSpec.Generator.UNET_128)
            .optGanMode(GanMode.valueOf(System.getProperty("cyclegan.learning.ganMode", "LSGAN")))
            .build());
  }

  private static CycleGanConfig.Builder tiny(int size) {
    return CycleGanConfig.builder()
        .optImageSize(size)
        .optNgf(8)
        .optNdf(8)
        .optEpochs(1)
        .optDecayEpochs(1)
        .optDevice("cpu");
  }

  /**
   * Trains 2 epochs of 200 images, then translates 32 held-out images: through the exported
   * generators and {@link CycleGanTranslator} when {@code viaTranslator}, else with the trained G_A
   * in eval mode.
   */
  private static void assertLearns(int size, CycleGanConfig config) throws Exception {
    SyntheticShapes set = new SyntheticShapes(size, 1);
    List<BufferedImage> heldOut = set.testA(0, 32);
    List<BufferedImage> translated;
    long start = System.nanoTime();
    try (CycleGanTrainer trainer =
        CycleGanTrainer.builder()
            .setConfig(config)
            .setDomainA(ImageSource.ofImages(set.trainA(0, 200)))
            .setDomainB(ImageSource.ofImages(set.trainB(0, 200)))
            .build()) {
      trainer.train(TrainingListener.NONE, () -> false);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      trainer.exportGenerators(out);
      try (CycleGanTranslator translator =
          CycleGanTranslator.load(new ByteArrayInputStream(out.toByteArray()), Device.cpu())) {
        translated = translator.translate(heldOut, Direction.A_TO_B);
      }
    }
    double l1 = TranslationMetrics.l1ToTruth(heldOut, translated, SyntheticShapes::mapToB);
    double baseline = TranslationMetrics.identityBaseline(heldOut, SyntheticShapes::mapToB);
    System.out.printf(
        Locale.ROOT,
        "learning %s %s %d px: held-out L1 %.4f, identity baseline %.4f, %.1f s%n",
        config.generator().wireName(),
        config.ganMode().wireName(),
        size,
        l1,
        baseline,
        (System.nanoTime() - start) / 1e9);
    assertThat(l1).as("L1 to truth vs identity baseline %.3f", baseline).isLessThan(baseline / 2);
  }
}
