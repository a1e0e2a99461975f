package io.cyclegan.model.checkpoint;

import com.google.gson.JsonObject;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.nn.NetworkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What decides the shapes of the networks' parameters. Everything else in a configuration may
 * change on resume; these may not.
 *
 * @param generatorBlocks residual blocks per generator
 * @param ngf generator width
 * @param ndf discriminator width (0 in a generators-only export)
 */
public record Architecture(int generatorBlocks, int ngf, int ndf) {

  /** The architecture a configuration asks for. */
  public static Architecture of(CycleGanConfig config) {
    return new Architecture(config.generatorBlocks(), config.ngf(), config.ndf());
  }

  /**
   * The shape-deciding numbers of {@code spec} (blocks 0 for a U-Net); the rest of the spec is in
   * the header's {@code network} object ({@link NetworkHeader}).
   */
  public static Architecture of(NetworkSpec spec) {
    return new Architecture(spec.generatorBlocks(), spec.ngf(), spec.ndf());
  }

  /** The differences from {@code requested}, one "field: checkpoint X, requested Y" each. */
  public List<String> differences(Architecture requested, boolean withDiscriminators) {
    List<String> out = new ArrayList<>();
    if (generatorBlocks != requested.generatorBlocks) {
      out.add(
          "generatorBlocks: checkpoint "
              + generatorBlocks
              + ", requested "
              + requested.generatorBlocks);
    }
    if (ngf != requested.ngf) {
      out.add("ngf: checkpoint " + ngf + ", requested " + requested.ngf);
    }
    if (withDiscriminators && ndf != requested.ndf) {
      out.add("ndf: checkpoint " + ndf + ", requested " + requested.ndf);
    }
    return out;
  }

  /** Refuses {@code requested} unless it equals this, naming every difference. */
  public void requireSameAs(Architecture requested, boolean withDiscriminators) {
    List<String> diff = differences(requested, withDiscriminators);
    if (!diff.isEmpty()) {
      throw new IncompatibleCheckpointException(
          "checkpoint architecture differs from the requested one: " + String.join("; ", diff));
    }
  }

  /** The JSON form stored in headers. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("generator", "resnet");
    o.addProperty("generatorBlocks", generatorBlocks);
    o.addProperty("ngf", ngf);
    o.addProperty("discriminator", "patchgan-70");
    o.addProperty("ndf", ndf);
    o.addProperty("norm", "instance");
    o.addProperty("upsampling", "convtranspose-phase");
    return o;
  }

  /** Reads the JSON form. */
  public static Architecture fromJson(JsonObject o) {
    return new Architecture(
        o.get("generatorBlocks").getAsInt(),
        o.get("ngf").getAsInt(),
        o.has("ndf") ? o.get("ndf").getAsInt() : 0);
  }
}
