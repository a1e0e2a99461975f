package io.cyclegan.model.interop;

import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an official state_dict into our parameters: infers the network from the names and shapes
 * ({@code ResnetGenerator} or {@code UnetGenerator}; {@code NLayerDiscriminator} with any layer
 * count or {@code PixelDiscriminator}; instance, batch or no norm; dropout in a ResNet; 1 or 3
 * channels), then checks every tensor against {@link OfficialLayout}, refusing any mismatch with a
 * message that names the tensor.
 *
 * <p>Two things are accepted and normalised, both produced by the official code: a {@code module.}
 * prefix on every key (a network saved while wrapped in {@code DataParallel}), and running
 * statistics of instance norm layers without affine parameters, which torch before 0.4 saved and
 * which the official loader drops ({@code __patch_instance_norm_state_dict}); they are unused. A
 * batch norm's statistics are kept ({@code num_batches_tracked} as float32, see {@link
 * OfficialLayout#isBatchCounter}).
 *
 * <p>A U-Net's dropout leaves no trace in its state_dict (its {@code Dropout} modules come last in
 * their blocks and hold nothing), so a U-Net maps to a spec without dropout; dropout only acts in
 * training mode, and the translator runs in eval mode.
 */
public final class StateDictMapping {

  private static final List<String> STALE_NORM_SUFFIXES =
      List.of(".running_mean", ".running_var", ".num_batches_tracked");

  private StateDictMapping() {}

  /**
   * A generator's tensors and the network they imply.
   *
   * @param spec the generator fields of the network (discriminator fields at their defaults)
   * @param tensors the state in our (= the official) order
   * @param dropped keys dropped as unused instance norm statistics
   */
  public record Generator(NetworkSpec spec, Map<String, HostTensor> tensors, List<String> dropped) {

    /** Residual blocks (0 for a U-Net). */
    public int blocks() {
      return spec.generatorBlocks();
    }

    /** Width of the first layer. */
    public int ngf() {
      return spec.ngf();
    }
  }

  /**
   * A discriminator's tensors.
   *
   * @param spec the discriminator fields of the network (generator fields at their defaults)
   * @param tensors the state in our (= the official) order
   * @param dropped keys dropped as unused instance norm statistics
   */
  public record Discriminator(
      NetworkSpec spec, Map<String, HostTensor> tensors, List<String> dropped) {

    /** Width of the first layer. */
    public int ndf() {
      return spec.ndf();
    }
  }

  /**
   * Maps an official generator state_dict ({@code latest_net_G_A.pth}): a {@code ResnetGenerator}
   * ({@code resnet_9blocks}, {@code resnet_6blocks} or any block count) or a {@code UnetGenerator}
   * ({@code unet_128}, {@code unet_256}).
   */
  public static Generator generator(StateDict stateDict) {
    List<String> dropped = new ArrayList<>();
    Map<String, HostTensor> t = normalise(stateDict, dropped);
    NetworkSpec spec;
    if (t.containsKey("model.1.weight")) {
      spec = resnetSpec(t);
    } else if (t.containsKey("model.model.0.weight")) {
      spec = unetSpec(t);
    } else {
      throw new IncompatibleCheckpointException(
          "tensor model.1.weight (ResnetGenerator) or model.model.0.weight (UnetGenerator) is"
              + " missing: not an official generator state_dict (its keys begin "
              + t.keySet().stream().limit(3).toList()
              + ")");
    }
    return new Generator(
        spec,
        check(t, OfficialLayout.generator(spec), describeGenerator(spec)),
        List.copyOf(dropped));
  }

  /**
   * Maps an official discriminator state_dict: an {@code NLayerDiscriminator} ({@code basic} is 3
   * layers) or a {@code PixelDiscriminator}.
   */
  public static Discriminator discriminator(StateDict stateDict) {
    List<String> dropped = new ArrayList<>();
    Map<String, HostTensor> t = normalise(stateDict, dropped);
    NetworkSpec.Builder b = NetworkSpec.builder();
    String what;
    HostTensor pixel = t.get("net.0.weight");
    if (pixel != null) {
      long[] s = pixel.shape();
      requireShape(
          "net.0.weight", s, s.length == 4 && s[2] == 1 && s[3] == 1, "[ndf, 1 or 3, 1, 1]");
      b.optDiscriminator(NetworkSpec.Discriminator.PIXEL)
          .optNorm(norm(t, "net.3", "net.2"))
          .optInputChannels(channels("net.0.weight", s[1]))
          .optNdf(width("net.0.weight", s[0]));
      what = "a PixelGAN";
    } else {
      HostTensor first = t.get("model.0.weight");
      if (first == null) {
        throw new IncompatibleCheckpointException(
            "tensor model.0.weight (NLayerDiscriminator) or net.0.weight (PixelDiscriminator) is"
                + " missing: not an official discriminator state_dict");
      }
      long[] s = first.shape();
      requireShape(
          "model.0.weight", s, s.length == 4 && s[2] == 4 && s[3] == 4, "[ndf, 1 or 3, 4, 4]");
      int convs = 0;
      while (t.containsKey("model." + (2 + 3 * convs) + ".weight")) {
        convs++;
      }
      // convs counts the n_layers convolutions that have a norm after them, and the last one.
      int layers = Math.max(1, convs - 1);
      b.optDiscriminator(
              layers == 3 ? NetworkSpec.Discriminator.BASIC : NetworkSpec.Discriminator.N_LAYERS)
          .optDiscriminatorLayers(Math.min(layers, NetworkSpec.MAX_DISCRIMINATOR_LAYERS))
          .optNorm(norm(t, "model.3", "model.2"))
          .optInputChannels(channels("model.0.weight", s[1]))
          .optNdf(width("model.0.weight", s[0]));
      what = null;
    }
    NetworkSpec spec = b.build();
    if (what == null) {
      what = spec.discriminatorLayers() + "-layer PatchGAN";
      what = "a " + what;
    }
    what += " with ndf " + spec.ndf() + normAndChannels(spec, spec.inputChannels(), -1);
    return new Discriminator(
        spec, check(t, OfficialLayout.discriminator(spec), what), List.copyOf(dropped));
  }

  /** "a ResnetGenerator with ngf 8 and 3 residual blocks" and, when not the default, norm etc. */
  static String describeGenerator(NetworkSpec spec) {
    String base =
        spec.generator().isResnet()
            ? "a ResnetGenerator with ngf "
                + spec.ngf()
                + " and "
                + spec.generatorBlocks()
                + " residual blocks"
                + (spec.dropout() ? " with dropout" : "")
            : "a UnetGenerator (" + spec.generator().wireName() + ") with ngf " + spec.ngf();
    return base + normAndChannels(spec, spec.inputChannels(), spec.outputChannels());
  }

  private static String normAndChannels(NetworkSpec spec, int in, int out) {
    String s = spec.norm() == Norm.INSTANCE ? "" : ", norm " + spec.norm().wireName();
    if (in != 3 || (out != -1 && out != 3)) {
      s += ", " + in + (out == -1 ? "" : " -> " + out) + " channels";
    }
    return s;
  }

  private static NetworkSpec resnetSpec(Map<String, HostTensor> t) {
    long[] s = t.get("model.1.weight").shape();
    requireShape(
        "model.1.weight", s, s.length == 4 && s[2] == 7 && s[3] == 7, "[ngf, 1 or 3, 7, 7]");
    int blocks = 0;
    while (t.containsKey("model." + (10 + blocks) + ".conv_block.1.weight")) {
      blocks++;
    }
    // Dropout moves a block's second convolution from conv_block.5 to 6, where batch norm has
    // its (1-D) parameters otherwise.
    HostTensor sixth = t.get("model.10.conv_block.6.weight");
    boolean dropout = sixth != null && sixth.shape().length == 4;
    String last = "model." + (17 + blocks) + ".weight";
    HostTensor head = t.get(last);
    if (head == null) {
      throw new IncompatibleCheckpointException(
          "tensor " + last + " is missing: a ResnetGenerator with " + blocks + " blocks has it");
    }
    long[] h = head.shape();
    requireShape(last, h, h.length == 4, "[1 or 3, ngf, 7, 7]");
    return NetworkSpec.builder()
        .optGenerator(NetworkSpec.Generator.resnetFor(blocks))
        .optGeneratorBlocks(Math.min(blocks, NetworkSpec.MAX_BLOCKS))
        .optNorm(norm(t, "model.2", "model.1"))
        .optDropout(dropout)
        .optInputChannels(channels("model.1.weight", s[1]))
        .optOutputChannels(channels(last, h[0]))
        .optNgf(width("model.1.weight", s[0]))
        .build();
  }

  private static NetworkSpec unetSpec(Map<String, HostTensor> t) {
    long[] s = t.get("model.model.0.weight").shape();
    requireShape(
        "model.model.0.weight", s, s.length == 4 && s[2] == 4 && s[3] == 4, "[ngf, 1 or 3, 4, 4]");
    // Levels: the outermost block, then each nested one (model.model.1.model., then 3.model.).
    int downs = 1;
    String p = "model.model.1.model.";
    while (hasPrefix(t, p)) {
      downs++;
      p += "3.model.";
    }
    NetworkSpec.Generator g = null;
    for (NetworkSpec.Generator c : NetworkSpec.Generator.values()) {
      if (!c.isResnet() && c.downsamplings() == downs) {
        g = c;
      }
    }
    if (g == null) {
      throw new IncompatibleCheckpointException(
          "this UnetGenerator has "
              + downs
              + " downsamplings; only unet_128 (7) and unet_256 (8) are supported");
    }
    HostTensor up = t.get("model.model.3.weight");
    if (up == null || up.shape().length != 4) {
      throw new IncompatibleCheckpointException(
          "tensor model.model.3.weight is missing or not [2 ngf, 1 or 3, 4, 4]: not an official"
              + " UnetGenerator state_dict");
    }
    boolean batch = t.containsKey("model.model.1.model.2.weight");
    Norm norm =
        batch ? Norm.BATCH : t.containsKey("model.model.0.bias") ? Norm.INSTANCE : Norm.NONE;
    return NetworkSpec.builder()
        .optGenerator(g)
        .optNorm(norm)
        .optInputChannels(channels("model.model.0.weight", s[1]))
        .optOutputChannels(channels("model.model.3.weight", up.shape()[1]))
        .optNgf(width("model.model.0.weight", s[0]))
        .build();
  }

  private static boolean hasPrefix(Map<String, HostTensor> t, String prefix) {
    return t.keySet().stream().anyMatch(k -> k.startsWith(prefix));
  }

  /**
   * The norm after convolution {@code conv}: batch norm has parameters at {@code normLayer};
   * instance norm has none but the convolution has a bias; no norm has neither.
   */
  private static Norm norm(Map<String, HostTensor> t, String normLayer, String conv) {
    if (t.containsKey(normLayer + ".weight") || t.containsKey(normLayer + ".running_mean")) {
      return Norm.BATCH;
    }
    return t.containsKey(conv + ".bias") ? Norm.INSTANCE : Norm.NONE;
  }

  private static int channels(String key, long c) {
    if (c != 1 && c != 3) {
      throw new IncompatibleCheckpointException(
          "tensor "
              + key
              + " is for "
              + c
              + " channels; only 1 (grayscale) or 3 (RGB) are supported");
    }
    return (int) c;
  }

  private static int width(String key, long w) {
    if (w < 1 || w > NetworkSpec.MAX_WIDTH) {
      throw new IncompatibleCheckpointException(
          "tensor "
              + key
              + " gives a width of "
              + w
              + ", outside [1, "
              + NetworkSpec.MAX_WIDTH
              + "]");
    }
    return (int) w;
  }

  private static void requireShape(String key, long[] s, boolean ok, String expected) {
    if (!ok) {
      throw new IncompatibleCheckpointException(
          "tensor " + key + " has shape " + Arrays.toString(s) + ", expected " + expected);
    }
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
        throw new IncompatibleCheckpointException("unexpected tensor " + key + " for " + what);
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
