package io.cyclegan.model.train;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.cyclegan.model.checkpoint.Architecture;
import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.checkpoint.NetworkHeader;
import io.cyclegan.model.checkpoint.TensorArchive;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fine-tuning's starting point, the official {@code --continue_train}: the networks' weights of a
 * published version (generators, from a generators archive, ours or an import) and, when the
 * version has a training checkpoint, its discriminators; everything else (Adam moments, pools,
 * epoch, step) starts fresh, as in the official code, which loads networks only.
 */
public final class InitialWeights {

  private InitialWeights() {}

  /**
   * Copies G_A and G_B from {@code generators} and, when {@code checkpoint} is not null, D_A and
   * D_B from it into {@code model}. Everything is read and checked first (architecture, every name
   * and shape, both directions present), so a refused source leaves the model untouched.
   */
  public static void apply(CycleGanModel model, InputStream generators, InputStream checkpoint)
      throws IOException {
    Architecture requested = Architecture.of(model.spec());
    TensorArchive.Contents g =
        TensorArchive.read(generators, TrainingCheckpoint.EXPORT_MAGIC, TrainingCheckpoint.MAGIC);
    requireBothDirections(g.header());
    Architecture fromGenerators = architecture(g);
    fromGenerators.requireSameAs(requested, false);
    NetworkHeader.requireSame(NetworkHeader.of(g.header(), fromGenerators), model.spec(), false);
    List<Map.Entry<NDArray, HostTensor>> copies = new ArrayList<>();
    plan(model.generatorParameters(), g.tensors(), copies);
    plan(model.generatorBuffers(), g.tensors(), copies);
    if (checkpoint != null) {
      TensorArchive.Contents d = TensorArchive.read(checkpoint, TrainingCheckpoint.MAGIC);
      Architecture fromCheckpoint = architecture(d);
      fromCheckpoint.requireSameAs(requested, true);
      NetworkHeader.requireSame(NetworkHeader.of(d.header(), fromCheckpoint), model.spec(), true);
      plan(model.discriminatorParameters(), d.tensors(), copies);
      plan(model.discriminatorBuffers(), d.tensors(), copies);
    }
    for (Map.Entry<NDArray, HostTensor> c : copies) {
      c.getValue().copyInto(c.getKey(), c.getKey().getName());
    }
  }

  private static void requireBothDirections(JsonObject header) throws CorruptCheckpointException {
    if (!header.has("directions")) {
      return; // a trained version: both generators
    }
    List<String> directions = new ArrayList<>();
    try {
      for (JsonElement e : header.getAsJsonArray("directions")) {
        directions.add(e.getAsString());
      }
    } catch (RuntimeException e) {
      throw new CorruptCheckpointException("archive header has malformed directions", e);
    }
    if (!directions.containsAll(List.of("AtoB", "BtoA"))) {
      throw new IncompatibleCheckpointException(
          "fine-tuning needs both generators, but this version has only "
              + String.join(" and ", directions)
              + " (it was imported from one file: import both, --a2b and --b2a)");
    }
  }

  private static Architecture architecture(TensorArchive.Contents c)
      throws CorruptCheckpointException {
    try {
      return Architecture.fromJson(c.header().getAsJsonObject("architecture"));
    } catch (RuntimeException e) {
      throw new CorruptCheckpointException("archive header lacks the architecture", e);
    }
  }

  private static void plan(
      Map<String, NDArray> parameters,
      Map<String, HostTensor> tensors,
      List<Map.Entry<NDArray, HostTensor>> copies)
      throws CorruptCheckpointException {
    for (Map.Entry<String, NDArray> p : parameters.entrySet()) {
      HostTensor h = tensors.get(p.getKey());
      if (h == null) {
        throw new CorruptCheckpointException("archive lacks tensor " + p.getKey());
      }
      if (!p.getValue().getShape().equals(h.djlShape())) {
        throw new IncompatibleCheckpointException(
            p.getKey() + ": archive shape " + h.djlShape() + ", model " + p.getValue().getShape());
      }
      copies.add(Map.entry(p.getValue(), h));
    }
  }
}
