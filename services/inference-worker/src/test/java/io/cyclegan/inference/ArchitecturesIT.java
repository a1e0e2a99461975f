package io.cyclegan.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import io.cyclegan.model.translate.CycleGanTranslator;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Models of other architectures served end to end on the embedded stack: a {@code unet_128} with
 * batch norm (inputs padded to its 128 px grid inside the translator), and a grayscale model whose
 * RGB inputs are read as luma and whose outputs are grayscale PNGs. Each output equals the
 * generator applied directly.
 */
@ExtendWith(LocalStackExtension.class)
class ArchitecturesIT {

  /** Batched and single forward passes differ only in float rounding. */
  private static final int TOLERANCE = 2;

  private record Case(String id, String model, Direction direction, int width, int height) {}

  @Test
  void shouldTranslateWithAUnetAndAGrayscaleModel(LocalStack stack) throws Exception {
    byte[] unet =
        TestModels.generators(
            NetworkSpec.builder()
                .optGenerator(NetworkSpec.Generator.UNET_128)
                .optNorm(Norm.BATCH)
                .optNgf(1)
                .build(),
            41);
    byte[] gray =
        TestModels.generators(
            NetworkSpec.builder()
                .optGeneratorBlocks(1)
                .optInputChannels(1)
                .optOutputChannels(1)
                .optNgf(2)
                .build(),
            42);
    try (WorkerFixture f = new WorkerFixture(stack, "arch");
        CycleGanTranslator unetDirect = TestModels.translator(unet);
        CycleGanTranslator grayDirect = TestModels.translator(gray)) {
      f.publishModel("unet", "v1", unet);
      f.publishModel("gray", "v1", gray);
      f.startWorker(Map.of("CYCLEGAN_MAX_BATCH", "2"));
      // The U-Net inputs are multiples of 4 (the worker pads to 4 first, then the translator to
      // 128 px); the ResNet grid is 4, so any size pads alike.
      List<Case> cases =
          List.of(
              new Case("arch-unet-ab", "unet", Direction.AtoB, 32, 24),
              new Case("arch-unet-ba", "unet", Direction.BtoA, 20, 20),
              new Case("arch-gray-ab", "gray", Direction.AtoB, 16, 12),
              new Case("arch-gray-ba", "gray", Direction.BtoA, 21, 13));
      for (Case c : cases) {
        f.putInput(c.id(), TestModels.image(c.width(), c.height(), c.id().hashCode()));
        f.request(f.claimCheck(c.id(), c.model(), null, c.direction(), c.width(), c.height()));
      }
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> assertThat(cases).allSatisfy(c -> assertThat(f.results(c.id())).isNotEmpty()));

      for (Case c : cases) {
        TranslateResult r = f.results(c.id()).get(0);
        assertThat(r.status()).as(c.id()).isEqualTo(TranslateResult.Status.ok);
        assertThat(List.of(r.width(), r.height())).containsExactly(c.width(), c.height());
        BufferedImage input = TestModels.image(c.width(), c.height(), c.id().hashCode());
        boolean isGray = c.model().equals("gray");
        BufferedImage expected =
            (isGray ? grayDirect : unetDirect)
                .translate(
                    List.of(input),
                    c.direction() == Direction.AtoB
                        ? io.cyclegan.model.translate.Direction.A_TO_B
                        : io.cyclegan.model.translate.Direction.B_TO_A)
                .get(0);
        BufferedImage actual = f.output(r);
        assertThat(actual.getColorModel().getNumComponents())
            .as("%s PNG components", c.id())
            .isEqualTo(isGray ? 1 : 3);
        assertThat(actual.getWidth()).isEqualTo(c.width());
        assertThat(actual.getHeight()).isEqualTo(c.height());
        assertThat(TestModels.maxChannelDifference(actual, expected))
            .as("output of %s against the generator applied directly", c)
            .isLessThanOrEqualTo(TOLERANCE);
      }
    }
  }
}
