package io.cyclegan.inference;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.data.Preprocess;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.train.CycleGanModel;
import io.cyclegan.model.train.TrainingCheckpoint;
import io.cyclegan.model.translate.CycleGanTranslator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

/**
 * Generators with random weights, exported the way the training worker exports them ({@code
 * generators.bin}), so tests and the benchmark need no training. The only place that touches the
 * model module's training API.
 */
public final class TestModels {
  private TestModels() {}

  /** A generators-only export of a fresh model: {@code ngf} wide, {@code blocks} deep. */
  public static byte[] generators(int ngf, int blocks, long seed) {
    return generators(ngf, blocks, seed, Preprocess.NONE);
  }

  /** The same, trained (as far as its stored params say) with {@code preprocess} at 64 px. */
  public static byte[] generators(int ngf, int blocks, long seed, Preprocess preprocess) {
    CycleGanConfig config =
        CycleGanConfig.builder()
            .optImageSize(64)
            .optNgf(ngf)
            .optNdf(Math.min(ngf, 8))
            .optGeneratorBlocks(blocks)
            .optPoolSize(0)
            .optSeed(seed)
            .optDevice("cpu")
            // NONE (the tests' default): translated at the input's size, so any size goes.
            .optPreprocess(preprocess)
            .build();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        CycleGanModel model = new CycleGanModel(manager, config)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TrainingCheckpoint.writeGenerators(out, model, new TrainingCheckpoint.Position(0, 0, 0));
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A generators-only export of a fresh model of {@code network} (U-Net, batch norm, grayscale...),
   * with the {@code network} header the translator builds it from.
   */
  public static byte[] generators(NetworkSpec network, long seed) {
    CycleGanConfig config =
        CycleGanConfig.builder()
            .optImageSize(64)
            .optPoolSize(0)
            .optSeed(seed)
            .optDevice("cpu")
            .optPreprocess(Preprocess.NONE)
            .build();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        CycleGanModel model = new CycleGanModel(manager, config, network)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TrainingCheckpoint.writeGenerators(out, model, new TrainingCheckpoint.Position(0, 0, 0));
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The translator of an export, for computing the expected output directly. */
  public static CycleGanTranslator translator(byte[] generators) {
    try {
      return CycleGanTranslator.load(new ByteArrayInputStream(generators), Device.cpu());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A smooth image with some noise, different for every seed. */
  public static BufferedImage image(int width, int height, long seed) {
    Random random = new Random(seed);
    BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int r0 = random.nextInt(256);
    int g0 = random.nextInt(256);
    int b0 = random.nextInt(256);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (r0 + 4 * x + random.nextInt(16)) & 0xFF;
        int g = (g0 + 3 * y + random.nextInt(16)) & 0xFF;
        int b = (b0 + 2 * (x + y) + random.nextInt(16)) & 0xFF;
        im.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return im;
  }

  /** The largest difference of any channel of any pixel; the images must have the same size. */
  public static int maxChannelDifference(BufferedImage a, BufferedImage b) {
    int max = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          max = Math.max(max, Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF)));
        }
      }
    }
    return max;
  }

  /** The mean absolute difference over every channel of every pixel; same size required. */
  public static double meanChannelDifference(BufferedImage a, BufferedImage b) {
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          sum += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF));
        }
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }
}
