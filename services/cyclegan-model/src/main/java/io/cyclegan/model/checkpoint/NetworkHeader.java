package io.cyclegan.model.checkpoint;

import com.google.gson.JsonObject;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code network} object of a checkpoint header: a {@link NetworkSpec} under the reference's
 * option names in our spelling ({@code generator: unet_256}, {@code norm: batch}, ...). Archives
 * written before it existed have none; they hold what {@link NetworkSpec#of} describes.
 */
public final class NetworkHeader {

  /** The header key. */
  public static final String KEY = "network";

  private NetworkHeader() {}

  /** The JSON form. */
  public static JsonObject toJson(NetworkSpec spec) {
    JsonObject o = new JsonObject();
    o.addProperty("generator", spec.generator().wireName());
    o.addProperty("generatorBlocks", spec.generatorBlocks());
    o.addProperty("discriminator", spec.discriminator().wireName());
    o.addProperty("discriminatorLayers", spec.discriminatorLayers());
    o.addProperty("norm", spec.norm().wireName());
    o.addProperty("dropout", spec.dropout());
    o.addProperty("inputChannels", spec.inputChannels());
    o.addProperty("outputChannels", spec.outputChannels());
    o.addProperty("ngf", spec.ngf());
    o.addProperty("ndf", spec.ndf());
    return o;
  }

  /** Reads the JSON form, refusing a malformed or invalid one as corrupt. */
  public static NetworkSpec fromJson(JsonObject o) throws CorruptCheckpointException {
    try {
      return new NetworkSpec(
          NetworkSpec.Generator.fromWireName(o.get("generator").getAsString()),
          o.get("generatorBlocks").getAsInt(),
          NetworkSpec.Discriminator.fromWireName(o.get("discriminator").getAsString()),
          o.get("discriminatorLayers").getAsInt(),
          Norm.fromWireName(o.get("norm").getAsString()),
          o.get("dropout").getAsBoolean(),
          o.get("inputChannels").getAsInt(),
          o.get("outputChannels").getAsInt(),
          o.get("ngf").getAsInt(),
          o.get("ndf").getAsInt());
    } catch (RuntimeException e) {
      throw new CorruptCheckpointException("checkpoint header has a malformed network", e);
    }
  }

  /**
   * The network of an archive written before this header existed: a ResNet generator with its
   * blocks and widths, the 70x70 PatchGAN, instance norm, no dropout, RGB.
   */
  public static NetworkSpec legacy(Architecture a) {
    return NetworkSpec.builder()
        .optGenerator(NetworkSpec.Generator.resnetFor(a.generatorBlocks()))
        .optGeneratorBlocks(a.generatorBlocks())
        .optNgf(a.ngf())
        .optNdf(Math.max(1, a.ndf()))
        .build();
  }

  /** The network an archive header describes ({@link #legacy} when it has none). */
  public static NetworkSpec of(JsonObject header, Architecture a)
      throws CorruptCheckpointException {
    return header.has(KEY) ? fromJson(header.getAsJsonObject(KEY)) : legacy(a);
  }

  /**
   * Refuses {@code requested} unless it equals {@code stored}, naming every difference as "field:
   * checkpoint X, requested Y"; discriminator fields count only when the archive has
   * discriminators. The two ResNet names differ only in their default block count, so a ResNet's
   * name is not compared, its {@code generatorBlocks} is.
   */
  public static void requireSame(
      NetworkSpec stored, NetworkSpec requested, boolean withDiscriminators) {
    JsonObject a = toJson(stored);
    JsonObject b = toJson(requested);
    if (stored.generator().isResnet() && requested.generator().isResnet()) {
      a.remove("generator");
      b.remove("generator");
    }
    List<String> out = new ArrayList<>();
    for (String field : a.keySet()) {
      boolean discriminatorField = field.startsWith("discriminator") || field.equals("ndf");
      String x = a.get(field).getAsString();
      String y = b.get(field).getAsString();
      if ((withDiscriminators || !discriminatorField) && !x.equals(y)) {
        out.add(field + ": checkpoint " + x + ", requested " + y);
      }
    }
    if (!out.isEmpty()) {
      throw new IncompatibleCheckpointException(
          "checkpoint architecture differs from the requested one: " + String.join("; ", out));
    }
  }
}
