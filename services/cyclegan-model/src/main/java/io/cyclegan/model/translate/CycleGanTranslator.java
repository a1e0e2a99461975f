package io.cyclegan.model.translate;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.cyclegan.model.checkpoint.Architecture;
import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.checkpoint.NetworkHeader;
import io.cyclegan.model.checkpoint.TensorArchive;
import io.cyclegan.model.data.ImageTensors;
import io.cyclegan.model.data.Preprocess;
import io.cyclegan.model.data.Sizing;
import io.cyclegan.model.nn.GradMode;
import io.cyclegan.model.nn.Layers;
import io.cyclegan.model.nn.Network;
import io.cyclegan.model.nn.NetworkFactory;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.train.TrainingCheckpoint;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs trained generators on images of any size: each image is reflection-padded on the right and
 * bottom to the generator's grid ({@link NetworkSpec#generatorSizeMultiple()}: 4 for a ResNet, as
 * {@link PaddingGrid}, which downsamples twice; 2^depth for a U-Net, 128 for {@code unet_128}),
 * translated, and cropped back. The generators are the ones the archive's {@code network} header
 * names (a ResNet of its {@code architecture} when it has none), with that header's channels: RGB
 * input to a grayscale generator is converted to luma, grayscale input to an RGB generator is
 * repeated, and the output has the generator's channels.
 *
 * <p>Thread-safe: {@link #translate} may be called from several threads at once (the parameters are
 * only read, each call has its own manager, and gradient recording is off per call). {@link #close}
 * must not race with calls.
 */
public final class CycleGanTranslator implements AutoCloseable {

  /** The smallest edge the generator accepts (its reflection paddings need it). */
  public static final int MIN_EDGE = 5;

  private final NDManager manager;
  private final Network generatorA;
  private final Network generatorB;
  private final Architecture architecture;
  private final NetworkSpec network;
  private final JsonObject header;
  private final Sizing sizing;

  private CycleGanTranslator(
      NDManager manager,
      Network a,
      Network b,
      Architecture architecture,
      NetworkSpec network,
      JsonObject header) {
    this.manager = manager;
    this.generatorA = a;
    this.generatorB = b;
    this.architecture = architecture;
    this.network = network;
    this.header = header;
    this.sizing = sizing(header);
  }

  /**
   * The model's own preprocess, from the hyperparameters stored with it; a model without one (an
   * import, or trained before the parameter existed) is translated at its input's size.
   */
  private static Sizing sizing(JsonObject header) {
    JsonObject h = header.has("hyperparameters") ? header.getAsJsonObject("hyperparameters") : null;
    if (h == null || !h.has("preprocess")) {
      return new Sizing(Preprocess.NONE, 1, 1);
    }
    String name = h.get("preprocess").getAsString();
    Preprocess p =
        Arrays.stream(Preprocess.values())
            .filter(v -> v.wireName().equals(name))
            .findFirst()
            .orElseThrow(
                () -> new IllegalArgumentException("model has unknown preprocess " + name));
    return new Sizing(p, h.get("loadSize").getAsInt(), h.get("imageSize").getAsInt());
  }

  /**
   * Sizes an input as this model's {@code preprocess} says, as the official test script does
   * (centred crops, no flip): call before {@link #translate}; the output has the returned size.
   */
  public BufferedImage preprocess(BufferedImage image) {
    return sizing.forTranslation(image);
  }

  /** The model's preprocess (NONE for a model that stores none). */
  public Sizing sizing() {
    return sizing;
  }

  /**
   * Loads both generators from a generators-only export or a full training checkpoint (told apart
   * by their magic), refusing damaged streams.
   */
  public static CycleGanTranslator load(InputStream in, Device device) throws IOException {
    TensorArchive.Contents c =
        TensorArchive.read(in, TrainingCheckpoint.EXPORT_MAGIC, TrainingCheckpoint.MAGIC);
    Architecture arch;
    try {
      arch = Architecture.fromJson(c.header().getAsJsonObject("architecture"));
    } catch (RuntimeException e) {
      throw new CorruptCheckpointException("archive header lacks the architecture", e);
    }
    return create(arch, c.header(), c.tensors(), device);
  }

  /**
   * Loads and checks that the stored generators are the {@code expected} architecture (a model
   * registry may promise one), naming the difference when not.
   */
  public static CycleGanTranslator load(InputStream in, Device device, Architecture expected)
      throws IOException {
    CycleGanTranslator t = load(in, device);
    try {
      t.architecture.requireSameAs(expected, false);
      return t;
    } catch (IncompatibleCheckpointException e) {
      t.close();
      throw e;
    }
  }

  private static CycleGanTranslator create(
      Architecture arch, JsonObject header, Map<String, HostTensor> tensors, Device device)
      throws IOException {
    NetworkSpec spec = NetworkHeader.of(header, arch);
    NDManager manager = NDManager.newBaseManager(device);
    manager.setName("translator");
    try {
      Network a = null;
      Network b = null;
      if (serves(header, Direction.A_TO_B)) {
        a = NetworkFactory.generatorA(manager, "G_A", spec);
        fill(a, "G_A/", tensors);
      }
      if (serves(header, Direction.B_TO_A)) {
        b = NetworkFactory.generatorB(manager, "G_B", spec);
        fill(b, "G_B/", tensors);
      }
      return new CycleGanTranslator(manager, a, b, arch, spec, header);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Whether the archive holds the generator of {@code d}: trained archives hold both; an import
   * from one PyTorch file lists the one it has in {@code directions}.
   */
  private static boolean serves(JsonObject header, Direction d) throws CorruptCheckpointException {
    if (!header.has("directions")) {
      return true;
    }
    try {
      for (var e : header.getAsJsonArray("directions")) {
        if (e.getAsString().equals(d.wireName())) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      throw new CorruptCheckpointException("archive header has malformed directions", e);
    }
  }

  /** Whether this model has the generator for {@code direction}. */
  public boolean supports(Direction direction) {
    return (direction == Direction.A_TO_B ? generatorA : generatorB) != null;
  }

  private static void fill(Network g, String prefix, Map<String, HostTensor> tensors)
      throws CorruptCheckpointException {
    // Inference runs in eval mode: batch norm uses the stored running statistics, no dropout.
    g.setTraining(false);
    for (Map.Entry<String, NDArray> e : g.stateDict().entrySet()) {
      HostTensor h = tensors.get(prefix + e.getKey());
      if (h == null) {
        throw new CorruptCheckpointException("archive lacks tensor " + prefix + e.getKey());
      }
      h.copyInto(e.getValue(), prefix + e.getKey());
    }
  }

  /**
   * Translates a batch (N, C, H, W) in [-1, 1], C 1 or 3, of any H, W >= {@value #MIN_EDGE}; the
   * result is (N, {@link #outputChannels}, H, W), attached to the input's manager.
   */
  public NDArray translate(NDArray images, Direction direction) {
    Shape s = images.getShape();
    if (s.dimension() != 4 || (s.get(1) != 3 && s.get(1) != 1)) {
      throw new IllegalArgumentException("expected (N, 3, H, W) or (N, 1, H, W), got " + s);
    }
    int h = (int) s.get(2);
    int w = (int) s.get(3);
    if (h < MIN_EDGE || w < MIN_EDGE) {
      throw new IllegalArgumentException(
          "images must be at least " + MIN_EDGE + " px on each side, got " + w + "x" + h);
    }
    Network g = direction == Direction.A_TO_B ? generatorA : generatorB;
    int channels = inputChannels(direction);
    int grid = network.generatorSizeMultiple();
    if (g == null) {
      throw new UnsupportedOperationException(
          "this model version has no "
              + direction.wireName()
              + " generator: it was imported from a single PyTorch file for the other direction"
              + " (import both files, --a2b and --b2a, to serve both)");
    }
    return GradMode.withoutGradients(
        () -> {
          NDManager target = images.getManager();
          try (NDManager scratch = target.newSubManager()) {
            // A view, not a copy, in the scratch manager, so that every intermediate of the
            // forward (attached to its input's manager) dies with the scratch manager.
            NDArray x = images.reshape(s);
            x.attach(scratch);
            x = toChannels(x, channels);
            int bottom = roundUp(h, grid) - h;
            int right = roundUp(w, grid) - w;
            boolean fits = bottom < h && right < w;
            NDArray y =
                g.forward(
                    fits
                        ? Layers.reflectionPad(x, 0, bottom, 0, right)
                        : padRightBottom(x, bottom, right));
            NDArray out =
                bottom == 0 && right == 0
                    ? y
                    : y.get(new NDIndex(":, :, :{}, :{}", h, w)).duplicate();
            out.attach(target);
            return out;
          }
        });
  }

  /**
   * Translates images of any sizes (grouped by size into batches), returning images of the same
   * sizes in the same order: RGB, or 8-bit grayscale from a grayscale generator.
   */
  public List<BufferedImage> translate(List<BufferedImage> images, Direction direction) {
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < images.size(); i++) {
      BufferedImage im = images.get(i);
      groups.computeIfAbsent(im.getWidth() + "x" + im.getHeight(), k -> new ArrayList<>()).add(i);
    }
    BufferedImage[] out = new BufferedImage[images.size()];
    for (List<Integer> group : groups.values()) {
      BufferedImage first = images.get(group.get(0));
      int w = first.getWidth();
      int h = first.getHeight();
      int in = inputChannels(direction);
      int plane = in * w * h;
      float[] batch = new float[group.size() * plane];
      for (int k = 0; k < group.size(); k++) {
        System.arraycopy(
            ImageTensors.toChw(images.get(group.get(k)), in), 0, batch, k * plane, plane);
      }
      try (NDManager call = manager.newSubManager()) {
        NDArray result =
            translate(Network.upload(call, batch, new Shape(group.size(), in, h, w)), direction);
        float[] values = result.toFloatArray();
        int outChannels = outputChannels(direction);
        int outPlane = outChannels * w * h;
        for (int k = 0; k < group.size(); k++) {
          out[group.get(k)] = ImageTensors.fromChw(values, k * outPlane, w, h, outChannels);
        }
      }
    }
    return List.of(out);
  }

  /** The generators' architecture. */
  public Architecture architecture() {
    return architecture;
  }

  /** The generators' network (from the archive's {@code network} header). */
  public NetworkSpec network() {
    return network;
  }

  /** The channels the generator of {@code direction} reads (1 grayscale, 3 RGB). */
  public int inputChannels(Direction direction) {
    return direction == Direction.A_TO_B ? network.inputChannels() : network.outputChannels();
  }

  /** The channels the generator of {@code direction} writes. */
  public int outputChannels(Direction direction) {
    return direction == Direction.A_TO_B ? network.outputChannels() : network.inputChannels();
  }

  /** The archive header (imageSize, epochsTrained, hyperparameters...). */
  public JsonObject header() {
    return header.deepCopy();
  }

  /** The device the generators live on. */
  public Device device() {
    return manager.getDevice();
  }

  private static int roundUp(int v, int multiple) {
    return (v + multiple - 1) / multiple * multiple;
  }

  /**
   * RGB to luma as PIL's {@code convert('L')} computes it on 8-bit pixels ({@code (19595 R + 38470
   * G + 7471 B + 0x8000) >> 16}, rounded to a level as {@link ImageTensors#toChw(BufferedImage,
   * int)} does, so a batch and a list of images read alike), or grayscale repeated to RGB (PIL's
   * {@code convert('RGB')}).
   */
  private static NDArray toChannels(NDArray x, int channels) {
    long c = x.getShape().get(1);
    if (c == channels) {
      return x;
    }
    if (channels == 3) {
      return NDArrays.concat(new NDList(x, x, x), 1);
    }
    NDArray levels = x.add(1f).mul(127.5f);
    NDArray r = levels.get(new NDIndex(":, 0:1, :, :")).mul(19595f / 65536f);
    NDArray g = levels.get(new NDIndex(":, 1:2, :, :")).mul(38470f / 65536f);
    NDArray b = levels.get(new NDIndex(":, 2:3, :, :")).mul(7471f / 65536f);
    return r.add(g).add(b).add(0.5f).floor().div(127.5f).sub(1f);
  }

  /**
   * Reflection padding on the right and bottom (PyTorch's ReflectionPad2d, the edge not repeated).
   * A pad as long as the edge or longer (a small image on a U-Net's grid) reflects again at the new
   * edge, as often as needed.
   */
  static NDArray padRightBottom(NDArray x, int bottom, int right) {
    return reflectAtEnd(reflectAtEnd(x, 3, right), 2, bottom);
  }

  /** {@code pad} reflected rows or columns after the last one along {@code axis} (2 or 3). */
  private static NDArray reflectAtEnd(NDArray x, int axis, int pad) {
    NDArray y = x;
    while (pad > 0) {
      long edge = y.getShape().get(axis);
      int k = (int) Math.min(pad, edge - 1);
      String slice = axis == 3 ? ":, :, :, {}:{}" : ":, :, {}:{}, :";
      NDArray mirror = y.get(new NDIndex(slice, edge - 1 - k, edge - 1)).flip(axis);
      y = NDArrays.concat(new NDList(y, mirror), axis);
      pad -= k;
    }
    return y;
  }

  @Override
  public void close() {
    manager.close();
  }
}
