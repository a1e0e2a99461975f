package io.cyclegan.model.interop;

import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state_dict keys and shapes of the official networks, in the official order: {@code
 * ResnetGenerator}, {@code UnetGenerator}, {@code NLayerDiscriminator} and {@code
 * PixelDiscriminator}, with any norm (batch norm adds {@code weight}, {@code bias}, {@code
 * running_mean}, {@code running_var} and the scalar {@code num_batches_tracked}) and dropout. They
 * are the state names of our {@code nn} package, which tests hold to this table.
 */
public final class OfficialLayout {

  private OfficialLayout() {}

  /**
   * Whether {@code key} is a batch norm's {@code num_batches_tracked}: a scalar that PyTorch keeps
   * as int64 and we as float32 (exact up to 2^24 batches). The readers turn PyTorch's into float32
   * and the writers write ours as int64, so files match the official {@code state_dict} dtypes.
   */
  public static boolean isBatchCounter(String key, long[] shape) {
    return key.endsWith(".num_batches_tracked") && shape.length == 0;
  }

  /** Key to shape of a ResNet generator for RGB images with instance norm. */
  public static Map<String, long[]> generator(int blocks, int ngf) {
    return generator(NetworkSpec.builder().optGeneratorBlocks(blocks).optNgf(ngf).build());
  }

  /** Key to shape of the 70x70 PatchGAN (3 layers) for RGB images with instance norm. */
  public static Map<String, long[]> discriminator(int ndf) {
    return discriminator(NetworkSpec.builder().optNdf(ndf).build());
  }

  /** Key to shape of the generator {@code spec} names, from its input to its output channels. */
  public static Map<String, long[]> generator(NetworkSpec spec) {
    Map<String, long[]> out = new LinkedHashMap<>();
    if (spec.generator().isResnet()) {
      resnet(out, spec);
    } else {
      unet(out, "model.model.", spec, 0);
    }
    return out;
  }

  /** Key to shape of the discriminator {@code spec} names, for its input channels. */
  public static Map<String, long[]> discriminator(NetworkSpec spec) {
    Map<String, long[]> out = new LinkedHashMap<>();
    int ndf = spec.ndf();
    Norm norm = spec.norm();
    boolean bias = norm.convolutionBias();
    if (spec.discriminator() == NetworkSpec.Discriminator.PIXEL) {
      conv(out, "net.0", ndf, spec.inputChannels(), 1, true);
      conv(out, "net.2", ndf * 2, ndf, 1, bias);
      norm(out, "net.3", norm, ndf * 2);
      conv(out, "net.5", 1, ndf * 2, 1, bias);
      return out;
    }
    conv(out, "model.0", ndf, spec.inputChannels(), 4, true);
    int index = 2;
    int mult = 1;
    for (int n = 1; n <= spec.discriminatorLayers(); n++) {
      int prev = mult;
      mult = Math.min(1 << n, 8);
      conv(out, "model." + index, ndf * mult, ndf * prev, 4, bias);
      norm(out, "model." + (index + 1), norm, ndf * mult);
      index += 3;
    }
    conv(out, "model." + index, 1, ndf * mult, 4, true);
    return out;
  }

  private static void resnet(Map<String, long[]> out, NetworkSpec spec) {
    int ngf = spec.ngf();
    Norm norm = spec.norm();
    boolean bias = norm.convolutionBias();
    conv(out, "model.1", ngf, spec.inputChannels(), 7, bias);
    norm(out, "model.2", norm, ngf);
    conv(out, "model.4", ngf * 2, ngf, 3, bias);
    norm(out, "model.5", norm, ngf * 2);
    conv(out, "model.7", ngf * 4, ngf * 2, 3, bias);
    norm(out, "model.8", norm, ngf * 4);
    int index = 10;
    int second = spec.dropout() ? 6 : 5;
    for (int i = 0; i < spec.generatorBlocks(); i++, index++) {
      String block = "model." + index + ".conv_block.";
      conv(out, block + 1, ngf * 4, ngf * 4, 3, bias);
      norm(out, block + 2, norm, ngf * 4);
      conv(out, block + second, ngf * 4, ngf * 4, 3, bias);
      norm(out, block + (second + 1), norm, ngf * 4);
    }
    for (int mult = 4; mult > 1; mult /= 2, index += 3) {
      transposed(out, "model." + index, ngf * mult, ngf * mult / 2, 3, bias);
      norm(out, "model." + (index + 1), norm, ngf * mult / 2);
    }
    conv(out, "model." + (index + 1), spec.outputChannels(), ngf, 7, true);
  }

  /** One UnetSkipConnectionBlock at {@code level} (0 = outermost), its inner blocks included. */
  private static void unet(Map<String, long[]> out, String p, NetworkSpec spec, int level) {
    int ngf = spec.ngf();
    int innermost = spec.generator().downsamplings() - 1;
    int innerWidth = ngf * Math.min(1 << level, 8);
    int outer = level == 0 ? spec.outputChannels() : ngf * Math.min(1 << (level - 1), 8);
    int in = level == 0 ? spec.inputChannels() : outer;
    Norm norm = spec.norm();
    boolean bias = norm.convolutionBias();
    if (level == 0) {
      conv(out, p + "0", innerWidth, in, 4, bias);
      unet(out, p + "1.model.", spec, 1);
      transposed(out, p + "3", 2 * innerWidth, outer, 4, true);
    } else if (level == innermost) {
      conv(out, p + "1", innerWidth, in, 4, bias);
      transposed(out, p + "3", innerWidth, outer, 4, bias);
      norm(out, p + "4", norm, outer);
    } else {
      conv(out, p + "1", innerWidth, in, 4, bias);
      norm(out, p + "2", norm, innerWidth);
      unet(out, p + "3.model.", spec, level + 1);
      transposed(out, p + "5", 2 * innerWidth, outer, 4, bias);
      norm(out, p + "6", norm, outer);
    }
  }

  private static void conv(
      Map<String, long[]> out, String name, int cout, int cin, int k, boolean bias) {
    out.put(name + ".weight", new long[] {cout, cin, k, k});
    if (bias) {
      out.put(name + ".bias", new long[] {cout});
    }
  }

  /** ConvTranspose2d weights are (in, out, k, k). */
  private static void transposed(
      Map<String, long[]> out, String name, int cin, int cout, int k, boolean bias) {
    out.put(name + ".weight", new long[] {cin, cout, k, k});
    if (bias) {
      out.put(name + ".bias", new long[] {cout});
    }
  }

  private static void norm(Map<String, long[]> out, String name, Norm norm, int channels) {
    if (norm != Norm.BATCH) {
      return;
    }
    out.put(name + ".weight", new long[] {channels});
    out.put(name + ".bias", new long[] {channels});
    out.put(name + ".running_mean", new long[] {channels});
    out.put(name + ".running_var", new long[] {channels});
    out.put(name + ".num_batches_tracked", new long[] {});
  }
}
