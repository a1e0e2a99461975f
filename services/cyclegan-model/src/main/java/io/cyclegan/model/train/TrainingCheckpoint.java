package io.cyclegan.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.util.JsonUtils;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.TrainingParameter;
import io.cyclegan.model.TrainingParameters;
import io.cyclegan.model.checkpoint.Architecture;
import io.cyclegan.model.checkpoint.ArchiveTensor;
import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.checkpoint.NativeTensor;
import io.cyclegan.model.checkpoint.NetworkHeader;
import io.cyclegan.model.checkpoint.TensorArchive;
import io.cyclegan.model.nn.Network;
import io.cyclegan.model.nn.NetworkSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a {@link CycleGanModel} and its counters to and from a {@link TensorArchive}: all four
 * networks (parameters, and batch norm's running statistics by their state_dict names), their
 * architecture ({@link NetworkHeader}), both Adam states (moments and step counts by parameter
 * name), both pools, the pool random state, epoch and step, the architecture and the
 * hyperparameters.
 */
public final class TrainingCheckpoint {

  /** Archive kind of a full training checkpoint. */
  public static final String MAGIC = "CGANCKPT";

  /** Archive kind of a generators-only export. */
  public static final String EXPORT_MAGIC = "CGANGENS";

  private TrainingCheckpoint() {}

  /**
   * Where training stands.
   *
   * @param epoch the 0-based epoch to run next
   * @param stepInEpoch the step of that epoch to run next
   * @param globalStep steps done so far
   */
  public record Position(int epoch, int stepInEpoch, long globalStep) {}

  /** Writes the full state. */
  public static void write(OutputStream out, CycleGanModel model, Position position)
      throws IOException {
    CycleGanConfig config = model.config();
    JsonObject header = header("cyclegan-checkpoint", Architecture.of(model.spec()), model.spec());
    header.add("hyperparameters", JsonParser.parseString(toJson(config.toParams())));
    JsonObject state = new JsonObject();
    state.addProperty("epoch", position.epoch());
    state.addProperty("stepInEpoch", position.stepInEpoch());
    state.addProperty("globalStep", position.globalStep());
    state.addProperty("poolRandomState", model.poolRandomState());
    state.add("optimizerSteps", new JsonObject());
    state.getAsJsonObject("optimizerSteps").add("G", steps(model.optimizerG()));
    state.getAsJsonObject("optimizerSteps").add("D", steps(model.optimizerD()));
    state.addProperty("poolA", model.poolA().images().size());
    state.addProperty("poolB", model.poolB().images().size());
    header.add("state", state);

    Map<String, ArchiveTensor> tensors = new LinkedHashMap<>();
    model.generatorParameters().forEach((k, v) -> tensors.put(k, new NativeTensor(v)));
    model.discriminatorParameters().forEach((k, v) -> tensors.put(k, new NativeTensor(v)));
    model.generatorBuffers().forEach((k, v) -> tensors.put(k, new NativeTensor(v)));
    model.discriminatorBuffers().forEach((k, v) -> tensors.put(k, new NativeTensor(v)));
    optimizerTensors("optG", model.optimizerG(), tensors);
    optimizerTensors("optD", model.optimizerD(), tensors);
    poolTensors("poolA", model.poolA(), tensors);
    poolTensors("poolB", model.poolB(), tensors);
    TensorArchive.write(out, MAGIC, header, tensors);
  }

  /** Writes the generators and a header describing them, for inference. */
  public static void writeGenerators(OutputStream out, CycleGanModel model, Position position)
      throws IOException {
    CycleGanConfig config = model.config();
    JsonObject header =
        generatorsHeader(
            Architecture.of(model.spec()),
            model.spec(),
            config.imageSize(),
            position.epoch(),
            position.globalStep());
    header.add("hyperparameters", JsonParser.parseString(toJson(config.toParams())));
    Map<String, ArchiveTensor> tensors = new LinkedHashMap<>();
    model.generatorParameters().forEach((k, v) -> tensors.put(k, new NativeTensor(v)));
    model.generatorBuffers().forEach((k, v) -> tensors.put(k, new NativeTensor(v)));
    TensorArchive.write(out, EXPORT_MAGIC, header, tensors);
  }

  /**
   * The header of a generators-only archive ({@link #EXPORT_MAGIC}) as the translator reads it, the
   * same for a trained and an imported version; the caller adds {@code hyperparameters} and
   * whatever else it records.
   *
   * @param architecture the shape-deciding numbers (ndf 0 where there are no discriminators)
   * @param network the network G_A is (G_B is its {@link NetworkSpec#reversed()})
   */
  public static JsonObject generatorsHeader(
      Architecture architecture,
      NetworkSpec network,
      int imageSize,
      int epochsTrained,
      long globalStep) {
    JsonObject header = header("cyclegan-generators", architecture, network);
    header.addProperty("imageSize", imageSize);
    header.addProperty("epochsTrained", epochsTrained);
    header.addProperty("globalStep", globalStep);
    return header;
  }

  private static JsonObject header(String format, Architecture architecture, NetworkSpec network) {
    JsonObject header = new JsonObject();
    header.addProperty("format", format);
    header.add("architecture", architecture.toJson());
    header.add(NetworkHeader.KEY, NetworkHeader.toJson(network));
    return header;
  }

  /**
   * Reads a full checkpoint into {@code model}, refusing a different architecture. Nothing is
   * changed unless the whole stream is sound.
   */
  public static Position read(InputStream in, CycleGanModel model) throws IOException {
    TensorArchive.Contents c = TensorArchive.read(in, MAGIC);
    JsonObject header = c.header();
    Architecture stored;
    JsonObject state;
    try {
      stored = Architecture.fromJson(header.getAsJsonObject("architecture"));
      state = header.getAsJsonObject("state");
    } catch (RuntimeException e) {
      throw new CorruptCheckpointException("checkpoint header lacks architecture or state", e);
    }
    stored.requireSameAs(Architecture.of(model.spec()), true);
    NetworkHeader.requireSame(NetworkHeader.of(header, stored), model.spec(), true);
    requireSameModelParams(header, model.config());
    Map<String, HostTensor> t = c.tensors();
    // Check every name and shape before touching the model.
    List<Map.Entry<NDArray, HostTensor>> copies = new ArrayList<>();
    for (Map<String, NDArray> params :
        List.of(
            model.generatorParameters(),
            model.discriminatorParameters(),
            model.generatorBuffers(),
            model.discriminatorBuffers())) {
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        HostTensor h = require(t, e.getKey());
        if (!e.getValue().getShape().equals(h.djlShape())) {
          throw new IncompatibleCheckpointException(
              e.getKey()
                  + ": checkpoint shape "
                  + h.djlShape()
                  + ", model "
                  + e.getValue().getShape());
        }
        copies.add(Map.entry(e.getValue(), h));
      }
    }
    JsonObject steps = state.getAsJsonObject("optimizerSteps");
    for (String group : List.of("G", "D")) {
      for (String name : steps.getAsJsonObject(group).keySet()) {
        require(t, "opt" + group + "/m/" + name);
        require(t, "opt" + group + "/v/" + name);
      }
    }
    for (String pool : List.of("poolA", "poolB")) {
      int count = state.get(pool).getAsInt();
      int capacity = (pool.equals("poolA") ? model.poolA() : model.poolB()).capacity();
      if (count > capacity) {
        throw new IncompatibleCheckpointException(
            pool + ": checkpoint holds " + count + " images, requested poolSize " + capacity);
      }
      for (int i = 0; i < count; i++) {
        require(t, pool + "/" + i);
      }
    }
    for (Map.Entry<NDArray, HostTensor> e : copies) {
      Network.assign(e.getKey(), e.getValue().data());
    }
    restoreOptimizer("optG", model.optimizerG(), steps.getAsJsonObject("G"), t, model.manager());
    restoreOptimizer("optD", model.optimizerD(), steps.getAsJsonObject("D"), t, model.manager());
    restorePool("poolA", model.poolA(), state.get("poolA").getAsInt(), t, model.manager());
    restorePool("poolB", model.poolB(), state.get("poolB").getAsInt(), t, model.manager());
    model.restorePoolRandomState(state.get("poolRandomState").getAsLong());
    return new Position(
        state.get("epoch").getAsInt(),
        state.get("stepInEpoch").getAsInt(),
        state.get("globalStep").getAsLong());
  }

  /**
   * Refuses a resume that changes a parameter the trained state depends on (scope {@code MODEL} in
   * {@link TrainingParameters}: the loss the discriminators learnt, the preprocess the generators
   * learnt on). A checkpoint written before a parameter existed holds its default.
   */
  static void requireSameModelParams(JsonObject header, CycleGanConfig requested)
      throws IncompatibleCheckpointException {
    JsonObject stored =
        header.has("hyperparameters") && header.get("hyperparameters").isJsonObject()
            ? header.getAsJsonObject("hyperparameters")
            : new JsonObject();
    Map<String, Object> now = requested.toParams();
    List<String> diff = new ArrayList<>();
    for (TrainingParameter p : TrainingParameters.ALL) {
      if (p.scope() != TrainingParameter.Scope.MODEL) {
        continue;
      }
      String before =
          stored.has(p.name())
              ? stored.get(p.name()).getAsString()
              : String.valueOf(p.wire(p.defaultValue()));
      String after = String.valueOf(now.get(p.name()));
      if (!before.equals(after)) {
        diff.add(p.name() + ": checkpoint " + before + ", requested " + after);
      }
    }
    if (!diff.isEmpty()) {
      throw new IncompatibleCheckpointException(
          "checkpoint was trained with other parameters than requested: "
              + String.join("; ", diff));
    }
  }

  private static HostTensor require(Map<String, HostTensor> tensors, String name)
      throws CorruptCheckpointException {
    HostTensor h = tensors.get(name);
    if (h == null) {
      throw new CorruptCheckpointException("checkpoint lacks tensor " + name);
    }
    return h;
  }

  private static JsonObject steps(NamedAdam adam) {
    JsonObject o = new JsonObject();
    adam.steps().forEach(o::addProperty);
    return o;
  }

  private static void optimizerTensors(
      String prefix, NamedAdam adam, Map<String, ArchiveTensor> out) {
    adam.firstMoments().forEach((k, v) -> out.put(prefix + "/m/" + k, new NativeTensor(v)));
    adam.secondMoments().forEach((k, v) -> out.put(prefix + "/v/" + k, new NativeTensor(v)));
  }

  private static void restoreOptimizer(
      String prefix, NamedAdam adam, JsonObject steps, Map<String, HostTensor> t, NDManager parent)
      throws IOException {
    try (NDManager scratch = parent.newSubManager()) {
      for (String name : steps.keySet()) {
        adam.restore(
            name,
            require(t, prefix + "/m/" + name).toArray(scratch),
            require(t, prefix + "/v/" + name).toArray(scratch),
            steps.get(name).getAsLong());
      }
    }
  }

  private static void poolTensors(String prefix, ImagePool pool, Map<String, ArchiveTensor> out) {
    List<NDArray> images = pool.images();
    for (int i = 0; i < images.size(); i++) {
      out.put(prefix + "/" + i, new NativeTensor(images.get(i)));
    }
  }

  private static void restorePool(
      String prefix, ImagePool pool, int count, Map<String, HostTensor> t, NDManager parent)
      throws IOException {
    try (NDManager scratch = parent.newSubManager()) {
      List<NDArray> images = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        images.add(require(t, prefix + "/" + i).toArray(scratch));
      }
      pool.restore(images);
    }
  }

  static String toJson(Map<String, Object> params) {
    return JsonUtils.GSON.toJson(params);
  }
}
