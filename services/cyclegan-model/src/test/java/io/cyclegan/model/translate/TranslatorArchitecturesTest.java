package io.cyclegan.model.translate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.data.ImageTensors;
import io.cyclegan.model.nn.Network;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import io.cyclegan.model.train.CycleGanModel;
import io.cyclegan.model.train.TrainingCheckpoint;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The translator builds the network an archive's {@code network} header names, pads to its grid and
 * converts channels for grayscale generators.
 */
class TranslatorArchitecturesTest {

  private static final CycleGanConfig CONFIG =
      CycleGanConfig.builder().optImageSize(32).optSeed(5).optDevice("cpu").build();

  @Test
  void shouldReflectAgainWhenThePadIsLongerThanTheImage() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray x = m.create(new float[] {1, 2, 3}, new Shape(1, 1, 1, 3));
      NDArray y = CycleGanTranslator.padRightBottom(x, 0, 7);
      assertThat(y.toFloatArray()).containsExactly(1, 2, 3, 2, 1, 2, 3, 2, 1, 2);
      NDArray column = CycleGanTranslator.padRightBottom(x.reshape(1, 1, 3, 1), 7, 0);
      assertThat(column.getShape()).isEqualTo(new Shape(1, 1, 10, 1));
      assertThat(column.toFloatArray()).containsExactly(1, 2, 3, 2, 1, 2, 3, 2, 1, 2);
      NDArray square = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
      assertThat(CycleGanTranslator.padRightBottom(square, 3, 3).toFloatArray())
          .containsExactly(
              1, 2, 1, 2, 1, 3, 4, 3, 4, 3, 1, 2, 1, 2, 1, 3, 4, 3, 4, 3, 1, 2, 1, 2, 1);
    }
  }

  @Test
  void shouldTranslateAnyImageSizeWithAUnet() throws Exception {
    NetworkSpec spec =
        NetworkSpec.builder()
            .optGenerator(NetworkSpec.Generator.UNET_128)
            .optNorm(Norm.BATCH)
            .optNgf(1)
            .build();
    try (CycleGanTranslator t = translator(spec)) {
      assertThat(t.network()).isEqualTo(spec);
      BufferedImage small = image(7, 5, 1);
      BufferedImage wide = image(130, 9, 2);
      List<BufferedImage> out = t.translate(List.of(small, wide), Direction.B_TO_A);
      assertThat(List.of(out.get(0).getWidth(), out.get(0).getHeight())).containsExactly(7, 5);
      assertThat(List.of(out.get(1).getWidth(), out.get(1).getHeight())).containsExactly(130, 9);
    }
  }

  @Test
  void shouldReadRgbAsLumaAndWriteGrayscaleWithAGrayscaleGenerator() throws Exception {
    NetworkSpec spec =
        NetworkSpec.builder()
            .optGeneratorBlocks(1)
            .optInputChannels(1)
            .optOutputChannels(3)
            .optNgf(2)
            .build();
    try (CycleGanTranslator t = translator(spec);
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      assertThat(t.inputChannels(Direction.A_TO_B)).isEqualTo(1);
      assertThat(t.outputChannels(Direction.A_TO_B)).isEqualTo(3);
      assertThat(t.inputChannels(Direction.B_TO_A)).isEqualTo(3);
      assertThat(t.outputChannels(Direction.B_TO_A)).isEqualTo(1);
      BufferedImage rgb = image(12, 10, 3);
      // A to B: RGB in, read as luma: the same as the luma image given as one channel.
      NDArray asRgb = Network.upload(m, ImageTensors.toChw(rgb), new Shape(1, 3, 10, 12));
      NDArray asGray = Network.upload(m, ImageTensors.toChw(rgb, 1), new Shape(1, 1, 10, 12));
      NDArray fromRgb = t.translate(asRgb, Direction.A_TO_B);
      NDArray fromGray = t.translate(asGray, Direction.A_TO_B);
      assertThat(fromRgb.getShape()).isEqualTo(new Shape(1, 3, 10, 12));
      assertThat(fromRgb.toFloatArray()).containsExactly(fromGray.toFloatArray());
      // B to A: the generator writes one channel, a grayscale image.
      BufferedImage gray = t.translate(List.of(rgb), Direction.B_TO_A).get(0);
      assertThat(gray.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
      assertThat(t.translate(asRgb, Direction.B_TO_A).getShape())
          .isEqualTo(new Shape(1, 1, 10, 12));
    }
  }

  @Test
  void shouldComputePilsLuma() {
    BufferedImage im = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    im.setRGB(0, 0, (200 << 16) | (100 << 8) | 50);
    // PIL: (200 * 19595 + 100 * 38470 + 50 * 7471 + 32768) >> 16 = 124.
    assertThat(ImageTensors.toChw(im, 1)[0]).isEqualTo(124 / 127.5f - 1f);
  }

  private static CycleGanTranslator translator(NetworkSpec spec) throws Exception {
    try (NDManager m = NDManager.newBaseManager(Device.cpu());
        CycleGanModel model = new CycleGanModel(m, CONFIG, spec)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TrainingCheckpoint.writeGenerators(out, model, new TrainingCheckpoint.Position(0, 0, 0));
      return CycleGanTranslator.load(new ByteArrayInputStream(out.toByteArray()), Device.cpu());
    }
  }

  private static BufferedImage image(int w, int h, long seed) {
    Random r = new Random(seed);
    BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        im.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return im;
  }
}
