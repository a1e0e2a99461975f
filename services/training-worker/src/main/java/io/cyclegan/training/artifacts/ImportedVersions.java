package io.cyclegan.training.artifacts;

import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.messages.TrainingCommand.ImportFiles;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.model.interop.ModelImport;
import io.cyclegan.model.interop.StateDictFiles;
import io.cyclegan.model.translate.Direction;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PyTorch generators ({@code .pth} or {@code .safetensors}) published as a model version, the one
 * import policy of {@code cyclegan models import} (local files) and of the training worker's {@code
 * import} command (files uploaded under {@code imports/{importId}/}): read with the strict interop
 * readers, the architecture inferred and checked, then published by {@link ModelPublisher} exactly
 * as a trained version.
 *
 * <p>A refusal of the files (an unsafe pickle, a wrong tensor, a key outside the import's prefix, a
 * missing upload) is an {@link ImportRefusedException} naming what was refused; a store or broker
 * fault stays what it is, so the caller tries again.
 */
public final class ImportedVersions {
  private static final Logger log = LoggerFactory.getLogger(ImportedVersions.class);

  private final ObjectStore store;
  private final ModelPublisher publisher;
  private final Path tmpDir;

  /**
   * @param tmpDir where downloads and the generators archive are written, then deleted
   */
  public ImportedVersions(ObjectStore store, ModelPublisher publisher, Path tmpDir) {
    this.store = store;
    this.publisher = publisher;
    this.tmpDir = tmpDir;
  }

  /**
   * A file to import and how {@code config.json} names where it came from.
   *
   * @param name the file's name (CLI) or object key (upload)
   */
  public record Source(Path file, String name) {}

  /**
   * A published import.
   *
   * @param announcement what was announced on the models topic
   * @param imported the generators, their architecture and the unused keys dropped
   */
  public record Published(ModelAnnouncement announcement, ModelImport imported) {}

  /** Whether {@code model} already has {@code version}: versions are never overwritten. */
  public boolean exists(String model, String version) {
    return publisher.exists(model, version);
  }

  /**
   * Publishes the files an import command names as version {@code importId} of {@code model}.
   * Idempotent: the same uploads give the same generators under the same keys.
   *
   * @throws ImportRefusedException when a key lies outside {@code imports/{importId}/}, no file is
   *     there, or the file is refused by the readers
   */
  public Published publishUploaded(String importId, String model, ImportFiles files)
      throws IOException {
    String a2bKey = requireUnder(importId, "a2b", files.a2b());
    String b2aKey = files.b2a() == null ? null : requireUnder(importId, "b2a", files.b2a());
    Files.createDirectories(tmpDir);
    Path a2b = Files.createTempFile(tmpDir, "import-a2b-", ".tmp");
    Path b2a = Files.createTempFile(tmpDir, "import-b2a-", ".tmp");
    try {
      download(a2bKey, a2b);
      Source b = null;
      if (b2aKey != null) {
        download(b2aKey, b2a);
        b = new Source(b2a, b2aKey);
      }
      String version = files.version() == null ? importId : files.version();
      return publish(model, version, importId, new Source(a2b, a2bKey), b, files.imageSize());
    } finally {
      Files.deleteIfExists(a2b);
      Files.deleteIfExists(b2a);
    }
  }

  /**
   * Reads, checks and publishes local files as {@code version} of {@code model}.
   *
   * @param jobId the import job that asked for it, or null (the CLI)
   * @param b2a the B-to-A generator, or null: the version serves AtoB only
   * @throws ImportRefusedException when the readers refuse a file or the architecture
   */
  public Published publish(
      String model, String version, String jobId, Source a2b, Source b2a, int imageSize)
      throws IOException {
    ModelImport imported = read(a2b, b2a);
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("AtoB", describe(a2b));
    if (b2a != null) {
      source.put("BtoA", describe(b2a));
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("model", model);
    config.put("version", version);
    if (jobId != null) {
      config.put("jobId", jobId);
    }
    config.put("importedFrom", source);
    config.put("directions", imported.directions().stream().map(Direction::wireName).toList());
    config.put("params", imported.hyperparameters(imageSize));
    config.put("createdAt", Instant.now().toString());
    for (String key : imported.dropped()) {
      log.info("import of {} {}: dropped unused instance norm statistic {}", model, version, key);
    }
    Files.createDirectories(tmpDir);
    Path archive = Files.createTempFile(tmpDir, "generators-", ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(archive))) {
        imported.write(out, imageSize, source);
      }
      ModelAnnouncement announcement =
          publisher.publish(model, version, archive, config, imageSize, jobId, Map.of(), null);
      return new Published(announcement, imported);
    } finally {
      Files.deleteIfExists(archive);
    }
  }

  /**
   * {@code key} when it is exactly one valid name under {@code imports/{importId}/}: the command is
   * untrusted, and must not make the worker read another import's or anything else's objects.
   */
  static String requireUnder(String importId, String field, String key) {
    String prefix = ObjectKeys.importPrefix(importId);
    if (!key.startsWith(prefix) || !Names.isValid(key.substring(prefix.length()))) {
      throw new ImportRefusedException(
          "field 'import."
              + field
              + "' is '"
              + key
              + "', expected an object key "
              + prefix
              + "NAME with NAME of a-z, 0-9, '.', '_', '-'");
    }
    return key;
  }

  private void download(String key, Path target) {
    if (!store.getToFile(key, target)) {
      throw new ImportRefusedException("no uploaded file at " + key);
    }
  }

  /**
   * Maps both files to generators. Everything the readers throw is about the bytes of a local file,
   * so it is a refusal, never a fault to retry (a retried poison file would block the commands).
   */
  private static ModelImport read(Source a2b, Source b2a) {
    StateDictFiles.Read a = readFile("AtoB", a2b);
    StateDictFiles.Read b = b2a == null ? null : readFile("BtoA", b2a);
    try {
      return ModelImport.of(a.stateDict(), b == null ? null : b.stateDict());
    } catch (RuntimeException e) {
      throw new ImportRefusedException(e.getMessage(), e);
    }
  }

  private static StateDictFiles.Read readFile(String direction, Source source) {
    try {
      return StateDictFiles.read(source.file());
    } catch (IOException | RuntimeException e) {
      throw new ImportRefusedException(
          direction
              + " file "
              + source.name()
              + " refused: "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
          e);
    }
  }

  private static Map<String, String> describe(Source source) throws IOException {
    StateDictFiles.Format format = StateDictFiles.detect(source.file());
    return Map.of(
        "file", source.name(), "format", format.extension(), "sha256", sha256(source.file()));
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The files of an import are refused: permanent, the message says what and why. */
  public static final class ImportRefusedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ImportRefusedException(String message) {
      super(message);
    }

    ImportRefusedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
