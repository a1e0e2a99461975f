package io.cyclegan.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.MessageFormatException;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingCommand.ImportFiles;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.routing.BatchResult;
import io.javalin.http.Context;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Importing PyTorch generators over HTTP, claim-check style (docs/http-api.md, "Import a model"):
 *
 * <ul>
 *   <li>{@code PUT /models/{name}/imports/{version}/a2b} (and {@code /b2a}; the path parameter is
 *       named {@code importId}): the raw file, streamed into {@code imports/{importId}/a2b.bin},
 *       where the import (and job) id is {@link #importId(String, String)}, one per (model,
 *       version), and refused with 413 as soon as it passes {@code CYCLEGAN_MAX_IMPORT_BYTES},
 *       before the store completes any object;
 *   <li>{@code POST /models/{name}/imports/{version}} with {@code {"imageSize": N}}: publishes an
 *       {@code import} command naming the uploaded keys and the version; answered 202 with the job
 *       to follow.
 * </ul>
 *
 * <p>Ingest never opens the files: it cannot tell a pickle's safety, and does not run the model.
 * The training worker reads them with the strict readers and publishes the version. Once an import
 * is committed (its job has a state) its files cannot be replaced. Versions are unique per model,
 * so the job id is derived from both: two models can each import {@code v1}.
 */
public final class ModelImportResource implements Resource {
  private static final Logger log = LoggerFactory.getLogger(ModelImportResource.class);
  private static final ObjectMapper JSON = MessageCodec.mapper();
  private static final long MAX_JSON_BYTES = 64 * 1024;
  private static final long MAX_SWALLOW_BYTES = 8L << 20;
  private static final List<String> DIRECTIONS = List.of("a2b", "b2a");

  private final ObjectStore store;
  private final Producer<byte[], byte[]> producer;
  private final String commandsTopic;
  private final String eventSource;
  private final long maxImportBytes;
  private final Duration sendTimeout;

  /**
   * @param store the API's store (a person is waiting: a fault is a 503 in seconds)
   * @param maxImportBytes the largest file ({@code CYCLEGAN_MAX_IMPORT_BYTES})
   * @param sendTimeout how long a commit waits for Kafka ({@code
   *     CYCLEGAN_HTTP_REQUEST_TIMEOUT_SECONDS})
   */
  public ModelImportResource(
      ObjectStore store,
      Producer<byte[], byte[]> producer,
      String commandsTopic,
      String eventSource,
      long maxImportBytes,
      Duration sendTimeout) {
    this.store = store;
    this.producer = producer;
    this.commandsTopic = commandsTopic;
    this.eventSource = eventSource;
    this.maxImportBytes = maxImportBytes;
    this.sendTimeout = sendTimeout;
  }

  @Override
  public void register(Routes routes) {
    routes.on(
        "PUT",
        "/models/{model}/imports/{importId}/{direction}",
        ctx -> {
          String direction = ctx.pathParam("direction");
          if (!DIRECTIONS.contains(direction)) {
            throw ApiException.badRequest(
                "INVALID_DIRECTION",
                "the direction must be one of " + DIRECTIONS + " (in the path)");
          }
          upload(ctx, ctx.pathParam("model"), ctx.pathParam("importId"), direction);
        });
    routes.on(
        "POST",
        "/models/{model}/imports/{importId}",
        ctx -> commit(ctx, ctx.pathParam("model"), ctx.pathParam("importId")));
  }

  /**
   * The import's id, its job id and the prefix of its uploads: one per (model, version), so that
   * versions, unique per model only, never meet in the job or import namespaces. A digest, as the
   * two names together may pass the 63 characters a name may have.
   */
  static String importId(String model, String version) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((model + "/" + version).getBytes(StandardCharsets.UTF_8));
      return "import-" + HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private void upload(Context ex, String model, String version, String direction)
      throws IOException {
    name("model", model, "INVALID_MODEL");
    name("import id", version, "INVALID_IMPORT_ID");
    String importId = importId(model, version);
    requireUncommitted(importId, version);
    String key = ObjectKeys.importFile(importId, direction + ".bin");
    try (InputStream body = ex.req().getInputStream()) {
      String length = ex.header("Content-Length");
      if (length != null) {
        long declared = declaredLength(length);
        if (declared > maxImportBytes) {
          swallow(ex, body);
          throw tooLarge(declared + " bytes");
        }
        if (declared == 0) {
          throw ApiException.badRequest("EMPTY_BODY", "the request body is empty: send the file");
        }
      }
      Limited limited = new Limited(body, maxImportBytes);
      try {
        store.putStream(key, limited, "application/octet-stream");
      } catch (RuntimeException e) {
        if (limited.exceeded) {
          swallow(ex, body);
          throw tooLarge("more than " + maxImportBytes + " bytes");
        }
        throw e;
      }
      log.info("import {}: {} bytes of {} stored at {}", importId, limited.count, direction, key);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("importId", importId);
      out.put("model", model);
      out.put("version", version);
      out.put(direction, key);
      out.put("bytes", limited.count);
      out.put("commit", "/models/" + model + "/imports/" + version);
      ex.header("Location", "/models/" + model + "/imports/" + version + "/" + direction);
      HttpApi.json(ex, 201, out);
    }
  }

  // POST /models/{name}/imports/{importId} {"imageSize": N}: the command naming what was uploaded.
  private void commit(Context ex, String model, String version) throws IOException {
    name("model", model, "INVALID_MODEL");
    name("import id", version, "INVALID_IMPORT_ID");
    String importId = importId(model, version);
    Integer imageSize = imageSize(ex);
    String a2b = ObjectKeys.importFile(importId, "a2b.bin");
    String b2a = ObjectKeys.importFile(importId, "b2a.bin");
    if (!store.exists(a2b)) {
      throw new ApiException(
          409,
          "MISSING_UPLOAD",
          "import '"
              + version
              + "' of model '"
              + model
              + "' has no A-to-B generator: PUT /models/"
              + model
              + "/imports/"
              + version
              + "/a2b first");
    }
    ImportFiles files;
    try {
      files = new ImportFiles(a2b, store.exists(b2a) ? b2a : null, imageSize, version);
    } catch (MessageFormatException e) {
      throw ApiException.badRequest("INVALID_IMAGE_SIZE", e.getMessage());
    }
    send(importId, TrainingCommand.importModel(importId, model, files), ex);
    log.info("import {} of model {} version {} requested ({})", importId, model, version, files);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("importId", importId);
    out.put("model", model);
    out.put("version", version);
    out.put("directions", files.b2a() == null ? List.of("AtoB") : List.of("AtoB", "BtoA"));
    out.put("status", "submitted");
    out.put("state", "/jobs/" + importId);
    ex.header("Location", "/jobs/" + importId);
    HttpApi.json(ex, 202, out);
  }

  /** The optional JSON body: {@code {"imageSize": N}} and nothing else. */
  private static Integer imageSize(Context ex) throws IOException {
    byte[] bytes;
    try (InputStream in = ex.req().getInputStream()) {
      bytes = in.readNBytes((int) MAX_JSON_BYTES + 1);
      if (bytes.length > MAX_JSON_BYTES) {
        swallow(ex, in);
        throw new ApiException(
            413, "BODY_TOO_LARGE", "the JSON body is over " + MAX_JSON_BYTES + " bytes");
      }
    }
    if (bytes.length == 0) {
      return null;
    }
    JsonNode body;
    try {
      body = JSON.readTree(bytes);
    } catch (IOException e) {
      throw ApiException.badRequest(
          "INVALID_JSON", "the body is not valid JSON: " + e.getMessage());
    }
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("INVALID_JSON", "the body must be a JSON object");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!"imageSize".equals(field)) {
        throw ApiException.badRequest(
            "UNKNOWN_FIELD", "unknown field '" + field + "', expected only 'imageSize'");
      }
    }
    JsonNode size = body.get("imageSize");
    if (size == null || size.isNull()) {
      return null;
    }
    if (!size.canConvertToInt() || !size.isIntegralNumber()) {
      throw ApiException.badRequest(
          "INVALID_IMAGE_SIZE", "field 'imageSize' must be an integer, was " + size);
    }
    return size.intValue();
  }

  private void requireUncommitted(String importId, String version) {
    if (store.exists(ObjectKeys.jobState(importId))) {
      throw new ApiException(
          409,
          "IMPORT_COMMITTED",
          "the import of version '"
              + version
              + "' (job '"
              + importId
              + "') already exists: an import's files cannot change once it is committed;"
              + " choose another version");
    }
  }

  /** Publishes the command with the caller and the request's trace context, as a start has. */
  private void send(String importId, TrainingCommand command, Context ex) {
    try {
      producer
          .send(
              HttpApi.trace(ex)
                  .child()
                  .on(
                      JobPrincipal.add(
                          CloudEvents.record(commandsTopic, importId, command, eventSource),
                          Routes.principal(ex))))
          .get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new BatchResult.OutputNotDurableException(
          "the import command was not acknowledged: " + e.getMessage(), e);
    }
  }

  private static long declaredLength(String length) {
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("BAD_CONTENT_LENGTH", "Content-Length is not a number");
    }
  }

  /** Reads and drops the rest of a refused body, so the client gets the answer, not a reset. */
  private static void swallow(Context ex, InputStream in) throws IOException {
    long skipped = 0;
    byte[] buf = new byte[64 * 1024];
    int n;
    while (skipped < MAX_SWALLOW_BYTES && (n = in.read(buf)) > 0) {
      skipped += n;
    }
    ex.header("Connection", "close");
  }

  private ApiException tooLarge(String size) {
    return new ApiException(
        413,
        "BODY_TOO_LARGE",
        "import file of "
            + size
            + " is over the limit of "
            + maxImportBytes
            + " bytes (CYCLEGAN_MAX_IMPORT_BYTES)");
  }

  private static void name(String kind, String value, String reason) {
    try {
      Names.require(kind, value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(reason, e.getMessage());
    }
  }

  /**
   * The body, failing the read that passes {@code limit}: the store never completes an object from
   * a stream that failed, so an oversized upload leaves nothing behind.
   */
  private static final class Limited extends FilterInputStream {
    private final long limit;
    private long count;
    private boolean exceeded;

    Limited(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) {
        counted(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      throw new IOException("skip is not supported on an upload");
    }

    private void counted(int n) throws IOException {
      count += n;
      if (count > limit) {
        exceeded = true;
        throw new IOException("upload over " + limit + " bytes");
      }
    }
  }
}
