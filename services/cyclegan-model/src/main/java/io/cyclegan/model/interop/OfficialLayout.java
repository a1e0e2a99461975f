package io.cyclegan.model.interop;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state_dict keys and shapes of the official {@code ResnetGenerator} (instance norm, so every
 * convolution has a bias and no norm has parameters) and {@code NLayerDiscriminator} (3 layers).
 * They are the parameter names of our {@code nn} package, which a test holds to this table.
 */
public final class OfficialLayout {

  private OfficialLayout() {}

  /** Key to shape of a ResNet generator for RGB images. */
  public static Map<String, long[]> generator(int blocks, int ngf) {
    Map<String, long[]> out = new LinkedHashMap<>();
    conv(out, "model.1", ngf, 3, 7);
    conv(out, "model.4", ngf * 2, ngf, 3);
    conv(out, "model.7", ngf * 4, ngf * 2, 3);
    int index = 10;
    for (int i = 0; i < blocks; i++, index++) {
      conv(out, "model." + index + ".conv_block.1", ngf * 4, ngf * 4, 3);
      conv(out, "model." + index + ".conv_block.5", ngf * 4, ngf * 4, 3);
    }
    // ConvTranspose2d weights are (in, out, k, k).
    out.put("model." + index + ".weight", new long[] {ngf * 4, ngf * 2, 3, 3});
    out.put("model." + index + ".bias", new long[] {ngf * 2});
    index += 3;
    out.put("model." + index + ".weight", new long[] {ngf * 2, ngf, 3, 3});
    out.put("model." + index + ".bias", new long[] {ngf});
    index += 3;
    conv(out, "model." + (index + 1), 3, ngf, 7);
    return out;
  }

  /** Key to shape of the 70x70 PatchGAN (3 layers) for RGB images. */
  public static Map<String, long[]> discriminator(int ndf) {
    Map<String, long[]> out = new LinkedHashMap<>();
    conv(out, "model.0", ndf, 3, 4);
    conv(out, "model.2", ndf * 2, ndf, 4);
    conv(out, "model.5", ndf * 4, ndf * 2, 4);
    conv(out, "model.8", ndf * 8, ndf * 4, 4);
    conv(out, "model.11", 1, ndf * 8, 4);
    return out;
  }

  private static void conv(Map<String, long[]> out, String name, int cout, int cin, int k) {
    out.put(name + ".weight", new long[] {cout, cin, k, k});
    out.put(name + ".bias", new long[] {cout});
  }
}
