package io.cyclegan.model.interop;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.cyclegan.model.checkpoint.Architecture;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.checkpoint.TensorArchive;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.train.TrainingCheckpoint;
import io.cyclegan.model.translate.Direction;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Official generators (ResNet or U-Net, any norm, 1 or 3 channels) turned into our generators-only
 * archive ({@code CGANGENS}), the very format a training job publishes, so the inference worker
 * loads, caches and hot-swaps an imported version like a trained one. A one-direction import lists
 * only that direction in the header's {@code directions}; the translator refuses the other. The
 * header's {@code network} is G_A's spec, from which the translator builds both generators.
 *
 * @param architecture the generators' architecture (ndf 0: no discriminators)
 * @param a2b G_A, A to B
 * @param b2a G_B, B to A, or null when only A to B was imported
 */
public record ModelImport(
    Architecture architecture, StateDictMapping.Generator a2b, StateDictMapping.Generator b2a) {

  /** Maps and checks the state_dicts; both directions must have the same architecture. */
  public static ModelImport of(StateDict a2b, StateDict b2a) {
    StateDictMapping.Generator a;
    try {
      a = StateDictMapping.generator(a2b);
    } catch (IncompatibleCheckpointException e) {
      throw new IncompatibleCheckpointException("AtoB generator: " + e.getMessage());
    }
    StateDictMapping.Generator b = null;
    if (b2a != null) {
      try {
        b = StateDictMapping.generator(b2a);
      } catch (IncompatibleCheckpointException e) {
        throw new IncompatibleCheckpointException("BtoA generator: " + e.getMessage());
      }
      // G_B maps B back to A: its channels are G_A's reversed.
      NetworkSpec expected = a.spec().reversed();
      if (!expected.equals(b.spec())) {
        throw new IncompatibleCheckpointException(
            "the generators differ: AtoB is "
                + StateDictMapping.describeGenerator(a.spec())
                + ", BtoA "
                + StateDictMapping.describeGenerator(b.spec())
                + (a.spec().inputChannels() != a.spec().outputChannels()
                    ? " (BtoA maps the AtoB output channels back)"
                    : ""));
      }
    }
    return new ModelImport(new Architecture(a.blocks(), a.ngf(), 0), a, b);
  }

  /** The network the archive header records: G_A's, which the translator builds G_B from. */
  public NetworkSpec network() {
    return a2b.spec();
  }

  /**
   * What was imported, in the words the import's errors use: "a ResnetGenerator with ngf 64 and 9
   * residual blocks", "a UnetGenerator (unet_256) with ngf 64", with norm and channels when they
   * are not the defaults.
   */
  public String describe() {
    return StateDictMapping.describeGenerator(network());
  }

  /**
   * The hyperparameters an imported version records, in its archive header and its {@code
   * config.json} {@code params}: {@code imageSize}, {@code generatorBlocks} (0 for a U-Net), {@code
   * ngf}, and the rest of the generator's architecture as training params name it ({@code
   * generator}, {@code norm}, {@code dropout}, {@code inputChannels}, {@code outputChannels}), so
   * that a job fine-tuning from it compares like with like (a version without them reads as the
   * defaults: a ResNet with instance norm).
   */
  public Map<String, Object> hyperparameters(int imageSize) {
    NetworkSpec spec = network();
    Map<String, Object> hyper = new LinkedHashMap<>();
    hyper.put("imageSize", imageSize);
    hyper.put("generatorBlocks", architecture.generatorBlocks());
    hyper.put("ngf", architecture.ngf());
    hyper.put("generator", spec.generator().wireName());
    hyper.put("norm", spec.norm().wireName());
    hyper.put("dropout", spec.dropout());
    hyper.put("inputChannels", spec.inputChannels());
    hyper.put("outputChannels", spec.outputChannels());
    return hyper;
  }

  /** The directions this import serves. */
  public List<Direction> directions() {
    return b2a == null ? List.of(Direction.A_TO_B) : List.of(Direction.A_TO_B, Direction.B_TO_A);
  }

  /**
   * Writes the generators archive; {@code source} (file names, formats, digests) is kept in the
   * header as {@code importedFrom}.
   */
  public void write(OutputStream out, int imageSize, Map<String, ?> source) throws IOException {
    JsonObject header =
        TrainingCheckpoint.generatorsHeader(architecture, network(), imageSize, 0, 0);
    header.add("hyperparameters", new Gson().toJsonTree(hyperparameters(imageSize)));
    JsonArray directions = new JsonArray();
    directions().forEach(d -> directions.add(d.wireName()));
    header.add("directions", directions);
    header.add("importedFrom", new Gson().toJsonTree(source));
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    a2b.tensors().forEach((k, v) -> tensors.put("G_A/" + k, v));
    if (b2a != null) {
      b2a.tensors().forEach((k, v) -> tensors.put("G_B/" + k, v));
    }
    TensorArchive.write(out, TrainingCheckpoint.EXPORT_MAGIC, header, tensors);
  }

  /** Keys dropped as unused norm statistics, prefixed by direction. */
  public List<String> dropped() {
    List<String> out = new ArrayList<>();
    a2b.dropped().forEach(k -> out.add("AtoB " + k));
    if (b2a != null) {
      b2a.dropped().forEach(k -> out.add("BtoA " + k));
    }
    return out;
  }
}
