package io.cyclegan.model.translate;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.cyclegan.model.checkpoint.Architecture;
import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.checkpoint.TensorArchive;
import io.cyclegan.model.data.ImageTensors;
import io.cyclegan.model.data.Preprocess;
import io.cyclegan.model.data.Sizing;
import io.cyclegan.model.nn.GradMode;
import io.cyclegan.model.nn.Layers;
import io.cyclegan.model.nn.Network;
import io.cyclegan.model.nn.ResnetGenerator;
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
 * bottom to the generator's grid ({@link PaddingGrid}), translated, and cropped back.
 *
 * <p>Thread-safe: {@link #translate} may be called from several threads at once (the parameters are
 * only read, each call has its own manager, and gradient recording is off per call). {@link #close}
 * must not race with calls.
 */
public final class CycleGanTranslator implements AutoCloseable {

  /** The smallest edge the generator accepts (its reflection paddings need it). */
  public static final int MIN_EDGE = 5;

  private final NDManager manager;
  private final ResnetGenerator generatorA;
  private final ResnetGenerator generatorB;
  private final Architecture architecture;
  private final JsonObject header;
  private final Sizing sizing;

  private CycleGanTranslator(
      NDManager manager,
      ResnetGenerator a,
      ResnetGenerator b,
      Architecture architecture,
      JsonObject header) {
    this.manager = manager;
    this.generatorA = a;
    this.generatorB = b;
    this.architecture = architecture;
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
    NDManager manager = NDManager.newBaseManager(device);
    manager.setName("translator");
    try {
      ResnetGenerator a = null;
      ResnetGenerator b = null;
      if (serves(header, Direction.A_TO_B)) {
        a = new ResnetGenerator(manager, "G_A", arch.generatorBlocks(), arch.ngf());
        fill(a, "G_A/", tensors);
      }
      if (serves(header, Direction.B_TO_A)) {
        b = new ResnetGenerator(manager, "G_B", arch.generatorBlocks(), arch.ngf());
        fill(b, "G_B/", tensors);
      }
      return new CycleGanTranslator(manager, a, b, arch, header);
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

  private static void fill(ResnetGenerator g, String prefix, Map<String, HostTensor> tensors)
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
   * Translates a batch (N, 3, H, W) in [-1, 1] of any H, W >= {@value #MIN_EDGE}; the result has
   * the input's shape and is attached to the input's manager.
   */
  public NDArray translate(NDArray images, Direction direction) {
    Shape s = images.getShape();
    if (s.dimension() != 4 || s.get(1) != 3) {
      throw new IllegalArgumentException("expected (N, 3, H, W), got " + s);
    }
    int h = (int) s.get(2);
    int w = (int) s.get(3);
    if (h < MIN_EDGE || w < MIN_EDGE) {
      throw new IllegalArgumentException(
          "images must be at least " + MIN_EDGE + " px on each side, got " + w + "x" + h);
    }
    ResnetGenerator g = direction == Direction.A_TO_B ? generatorA : generatorB;
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
            int bottom = PaddingGrid.roundUp(h) - h;
            int right = PaddingGrid.roundUp(w) - w;
            NDArray y = g.forward(Layers.reflectionPad(x, 0, bottom, 0, right));
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
   * Translates images of any sizes (grouped by padded size into batches), returning RGB images of
   * the same sizes in the same order.
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
      int plane = 3 * w * h;
      float[] batch = new float[group.size() * plane];
      for (int k = 0; k < group.size(); k++) {
        System.arraycopy(ImageTensors.toChw(images.get(group.get(k))), 0, batch, k * plane, plane);
      }
      try (NDManager call = manager.newSubManager()) {
        NDArray result =
            translate(Network.upload(call, batch, new Shape(group.size(), 3, h, w)), direction);
        float[] values = result.toFloatArray();
        for (int k = 0; k < group.size(); k++) {
          out[group.get(k)] = ImageTensors.fromChw(values, k * plane, w, h);
        }
      }
    }
    return List.of(out);
  }

  /** The generators' architecture. */
  public Architecture architecture() {
    return architecture;
  }

  /** The archive header (imageSize, epochsTrained, hyperparameters...). */
  public JsonObject header() {
    return header.deepCopy();
  }

  /** The device the generators live on. */
  public Device device() {
    return manager.getDevice();
  }

  @Override
  public void close() {
    manager.close();
  }
}
