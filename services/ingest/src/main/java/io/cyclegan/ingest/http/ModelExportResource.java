package io.cyclegan.ingest.http;

import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.TensorArchive;
import io.cyclegan.model.interop.ModelExport;
import io.cyclegan.model.interop.StateDictFiles.Format;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /models/{name}/versions/{version}/export?format=pth|safetensors&direction=AtoB|BtoA}:
 * one generator of a published version as the official PyTorch state_dict ({@code
 * latest_net_G_A.pth} for AtoB, {@code latest_net_G_B} for BtoA), what {@code cyclegan models
 * export} writes, as an attachment.
 *
 * <p>The version's generators archive is copied from the store to a temporary file (never held as
 * one byte array), read, and the chosen network is written straight to the response: the answer is
 * streamed (chunked), not built in memory first.
 */
final class ModelExportResource implements Resource {
  private static final Logger log = LoggerFactory.getLogger(ModelExportResource.class);

  /** The generators archive's magic ({@code TrainingCheckpoint.EXPORT_MAGIC}). */
  static final String GENERATORS_MAGIC = "CGANGENS";

  private final ObjectStore store;

  ModelExportResource(ObjectStore store) {
    this.store = store;
  }

  @Override
  public void register(Routes routes) {
    routes.on(
        "GET",
        "/models/{model}/versions/{version}/export",
        ctx -> export(ctx, ctx.pathParam("model"), ctx.pathParam("version")));
  }

  private void export(Context ctx, String model, String version) throws IOException {
    name("model", model, "INVALID_MODEL");
    name("model version", version, "INVALID_VERSION");
    Format format = format(ctx.queryParam("format"));
    String network = network(ctx.queryParam("direction"));
    Path tmp = Files.createTempFile("cyclegan-export-", ".bin");
    try {
      if (!store.getToFile(ObjectKeys.modelGenerators(model, version), tmp)) {
        throw ApiException.notFound("model " + model + " has no version " + version);
      }
      Map<String, HostTensor> stateDict;
      try (InputStream in = Files.newInputStream(tmp)) {
        stateDict = ModelExport.stateDicts(TensorArchive.read(in, GENERATORS_MAGIC)).get(network);
      } catch (CorruptCheckpointException e) {
        log.error("model {} version {}: the stored generators do not read", model, version, e);
        throw new ApiException(
            500, "CORRUPT_MODEL", "the stored generators of this version cannot be read");
      }
      if (stateDict == null) {
        throw ApiException.notFound(
            "model "
                + model
                + " version "
                + version
                + " has no "
                + network
                + " generator (imported in one direction only)");
      }
      String file = "latest_net_" + network + "." + format.extension();
      ctx.status(200);
      ctx.contentType("application/octet-stream");
      ctx.header("Content-Disposition", "attachment; filename=\"" + file + "\"");
      OutputStream out = ctx.res().getOutputStream();
      ModelExport.write(out, format, "latest_net_" + network, stateDict);
      out.flush();
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Format format(String value) {
    if (value == null || value.isBlank()) {
      throw ApiException.badRequest(
          "INVALID_FORMAT", "the query parameter format is required: pth or safetensors");
    }
    String v = value.toLowerCase(Locale.ROOT);
    if (!v.equals("pth") && !v.equals("safetensors")) {
      throw ApiException.badRequest(
          "INVALID_FORMAT", "format must be pth or safetensors, not '" + clip(value) + "'");
    }
    return Format.parse(v);
  }

  /** AtoB (the default) is G_A, BtoA is G_B: the official naming. */
  private static String network(String direction) {
    if (direction == null || direction.isEmpty() || direction.equals("AtoB")) {
      return "G_A";
    }
    if (direction.equals("BtoA")) {
      return "G_B";
    }
    throw ApiException.badRequest(
        "INVALID_DIRECTION", "direction must be AtoB or BtoA, not '" + clip(direction) + "'");
  }

  private static String clip(String s) {
    String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
  }

  private static void name(String kind, String value, String reason) {
    try {
      Names.require(kind, value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(reason, e.getMessage());
    }
  }
}
