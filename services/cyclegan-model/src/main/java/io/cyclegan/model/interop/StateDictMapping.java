package io.cyclegan.model.interop;

import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an official state_dict into our parameters: infers the architecture from the names and
 * shapes, then checks every tensor against {@link OfficialLayout}, refusing any mismatch with a
 * message that names the tensor.
 *
 * <p>Two things are accepted and normalised, both produced by the official code: a {@code module.}
 * prefix on every key (a network saved while wrapped in {@code DataParallel}), and running
 * statistics of instance norm layers without affine parameters, which torch before 0.4 saved and
 * which the official loader drops ({@code __patch_instance_norm_state_dict}); they are unused.
 */
public final class StateDictMapping {

  private static final List<String> STALE_NORM_SUFFIXES =
      List.of(".running_mean", ".running_var", ".num_batches_tracked");

  private StateDictMapping() {}

  /**
   * A generator's tensors and the architecture they imply.
   *
   * @param blocks residual blocks
   * @param ngf width of the first layer
   * @param tensors the parameters in our (= the official) order
   * @param dropped keys dropped as unused instance norm statistics
   */
  public record Generator(
      int blocks, int ngf, Map<String, HostTensor> tensors, List<String> dropped) {}

  /**
   * A discriminator's tensors.
   *
   * @param ndf width of the first layer
   * @param tensors the parameters in our (= the official) order
   * @param dropped keys dropped as unused instance norm statistics
   */
  public record Discriminator(int ndf, Map<String, HostTensor> tensors, List<String> dropped) {}

  /** Maps an official {@code ResnetGenerator} state_dict ({@code latest_net_G_A.pth}). */
  public static Generator generator(StateDict stateDict) {
    List<String> dropped = new ArrayList<>();
    Map<String, HostTensor> t = normalise(stateDict, dropped);
    HostTensor first = t.get("model.1.weight");
    if (first == null) {
      if (t.keySet().stream().anyMatch(k -> k.startsWith("model.model."))) {
        throw new IncompatibleCheckpointException(
            "this is a U-Net generator state_dict (keys model.model...): only the ResNet generator"
                + " (--netG resnet_9blocks or resnet_6blocks) is supported");
      }
      throw new IncompatibleCheckpointException(
          "tensor model.1.weight is missing: not an official ResnetGenerator state_dict (its keys"
              + " begin "
              + t.keySet().stream().limit(3).toList()
              + ")");
    }
    long[] s = first.shape();
    if (s.length != 4 || s[1] != 3 || s[2] != 7 || s[3] != 7) {
      throw new IncompatibleCheckpointException(
          "tensor model.1.weight has shape "
              + Arrays.toString(s)
              + ", expected [ngf, 3, 7, 7]: a ResnetGenerator for RGB images (input_nc 3)");
    }
    int ngf = Math.toIntExact(s[0]);
    int blocks = 0;
    while (t.containsKey("model." + (10 + blocks) + ".conv_block.1.weight")) {
      blocks++;
    }
    String what = "a ResnetGenerator with ngf " + ngf + " and " + blocks + " residual blocks";
    return new Generator(
        blocks, ngf, check(t, OfficialLayout.generator(blocks, ngf), what), List.copyOf(dropped));
  }

  /** Maps an official 3-layer {@code NLayerDiscriminator} state_dict. */
  public static Discriminator discriminator(StateDict stateDict) {
    List<String> dropped = new ArrayList<>();
    Map<String, HostTensor> t = normalise(stateDict, dropped);
    HostTensor first = t.get("model.0.weight");
    if (first == null || first.shape().length != 4 || first.shape()[1] != 3) {
      throw new IncompatibleCheckpointException(
          "tensor model.0.weight is missing or not [ndf, 3, 4, 4]: not an official"
              + " NLayerDiscriminator state_dict for RGB images");
    }
    int ndf = Math.toIntExact(first.shape()[0]);
    String what = "a 3-layer PatchGAN with ndf " + ndf;
    return new Discriminator(
        ndf, check(t, OfficialLayout.discriminator(ndf), what), List.copyOf(dropped));
  }

  private static Map<String, HostTensor> normalise(StateDict stateDict, List<String> dropped) {
    Map<String, String> others = new LinkedHashMap<>(stateDict.otherTensors());
    Map<String, HostTensor> tensors = new LinkedHashMap<>(stateDict.tensors());
    boolean wrapped =
        !tensors.isEmpty()
            && tensors.keySet().stream().allMatch(k -> k.startsWith("module."))
            && others.keySet().stream().allMatch(k -> k.startsWith("module."));
    Map<String, HostTensor> out = new LinkedHashMap<>();
    tensors.forEach((k, v) -> out.put(wrapped ? k.substring(7) : k, v));
    Map<String, String> rest = new LinkedHashMap<>();
    others.forEach((k, v) -> rest.put(wrapped ? k.substring(7) : k, v));
    for (String key : new ArrayList<>(out.keySet())) {
      if (isStaleNormStatistic(key, out)) {
        out.remove(key);
        dropped.add(key);
      }
    }
    for (Map.Entry<String, String> e : rest.entrySet()) {
      if (isStaleNormStatistic(e.getKey(), out)) {
        dropped.add(e.getKey());
      } else {
        throw new IncompatibleCheckpointException(
            "tensor " + e.getKey() + " is " + e.getValue() + "; only float32 is supported");
      }
    }
    return out;
  }

  private static boolean isStaleNormStatistic(String key, Map<String, HostTensor> tensors) {
    for (String suffix : STALE_NORM_SUFFIXES) {
      if (key.endsWith(suffix)) {
        String layer = key.substring(0, key.length() - suffix.length());
        return !tensors.containsKey(layer + ".weight");
      }
    }
    return false;
  }

  private static Map<String, HostTensor> check(
      Map<String, HostTensor> t, Map<String, long[]> expected, String what) {
    for (String key : t.keySet()) {
      if (!expected.containsKey(key)) {
        String hint =
            key.endsWith(".running_mean") || key.endsWith(".running_var")
                ? " (a batch norm layer: only --norm instance is supported)"
                : key.endsWith(".weight") && !t.containsKey(key.replace(".weight", ".bias"))
                    ? " (a norm layer with parameters or a convolution without bias: only --norm"
                        + " instance is supported)"
                    : "";
        throw new IncompatibleCheckpointException(
            "unexpected tensor " + key + " for " + what + hint);
      }
    }
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      HostTensor h = t.get(e.getKey());
      if (h == null) {
        throw new IncompatibleCheckpointException(
            "tensor "
                + e.getKey()
                + " is missing; "
                + what
                + " has it with shape "
                + Arrays.toString(e.getValue()));
      }
      if (!Arrays.equals(h.shape(), e.getValue())) {
        throw new IncompatibleCheckpointException(
            "tensor "
                + e.getKey()
                + " has shape "
                + Arrays.toString(h.shape())
                + ", expected "
                + Arrays.toString(e.getValue())
                + " for "
                + what);
      }
      out.put(e.getKey(), h);
    }
    return out;
  }
}
