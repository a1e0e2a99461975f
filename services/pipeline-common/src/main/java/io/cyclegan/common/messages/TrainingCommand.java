package io.cyclegan.common.messages;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A command on {@code cyclegan.training.commands}. {@code params} stays a raw map here: the
 * training worker validates each field and names the bad one in a {@code failed} event.
 *
 * @param initFrom for a start, the published version whose weights training starts from
 *     (fine-tuning, the official {@code --continue_train}); null to start from fresh weights
 * @param importFiles for an import ({@code "import"} on the wire), the uploaded PyTorch files to
 *     publish as version {@code jobId} of {@code model}; null for the other types
 */
public record TrainingCommand(
    String schema,
    String type,
    String jobId,
    String model,
    String dataset,
    Map<String, Object> params,
    InitFrom initFrom,
    @JsonProperty("import") ImportFiles importFiles)
    implements Message {

  public static final String SCHEMA = "cyclegan.training.command/v1";
  public static final String START = "start";
  public static final String CANCEL = "cancel";
  public static final String IMPORT = "import";

  public TrainingCommand {
    Fields.schema(schema, SCHEMA);
    Fields.required(type, "type");
    Fields.required(jobId, "jobId");
    if (START.equals(type)) {
      Fields.required(model, "model");
      Fields.required(dataset, "dataset");
      notFor(type, "import", importFiles);
    } else if (CANCEL.equals(type)) {
      notFor(type, "initFrom", initFrom);
      notFor(type, "import", importFiles);
    } else if (IMPORT.equals(type)) {
      Fields.required(model, "model");
      Fields.required(importFiles, "import");
      notFor(type, "dataset", dataset);
      notFor(type, "initFrom", initFrom);
      if (params != null && !params.isEmpty()) {
        throw new MessageFormatException("params", "field 'params' is not allowed on an import");
      }
    } else {
      throw new MessageFormatException(
          "type", "field 'type' is '" + type + "', expected one of [start, cancel, import]");
    }
    params = params == null ? Map.of() : Map.copyOf(params);
  }

  public static TrainingCommand start(
      String jobId, String model, String dataset, Map<String, Object> params) {
    return new TrainingCommand(SCHEMA, START, jobId, model, dataset, params, null, null);
  }

  /** This start command, starting from the weights of {@code from}. */
  public TrainingCommand withInitFrom(InitFrom from) {
    return new TrainingCommand(schema, type, jobId, model, dataset, params, from, importFiles);
  }

  public static TrainingCommand cancel(String jobId) {
    return new TrainingCommand(SCHEMA, CANCEL, jobId, null, null, null, null, null);
  }

  /** Publishes the uploaded files as version {@code importId} of {@code model}. */
  public static TrainingCommand importModel(String importId, String model, ImportFiles files) {
    return new TrainingCommand(SCHEMA, IMPORT, importId, model, null, null, null, files);
  }

  @JsonIgnore
  public boolean isStart() {
    return START.equals(type);
  }

  @JsonIgnore
  public boolean isImport() {
    return IMPORT.equals(type);
  }

  /** For an import, the version it publishes: {@code import.version}, else the job id. */
  @JsonIgnore
  public String importVersion() {
    return importFiles == null || importFiles.version() == null ? jobId : importFiles.version();
  }

  private static void notFor(String type, String field, Object value) {
    if (value != null) {
      throw new MessageFormatException(
          field,
          "field '"
              + field
              + "' is not allowed on a"
              + (IMPORT.equals(type) ? "n " : " ")
              + type
              + " command");
    }
  }

  /**
   * What an import publishes: object keys of PyTorch generator files ({@code .pth} or {@code
   * .safetensors}, told apart by content) that the sender uploaded under {@code imports/{jobId}/}.
   * The keys are untrusted: the training worker reads nothing outside that prefix.
   *
   * @param a2b the A-to-B generator (the official {@code G_A})
   * @param b2a the B-to-A generator ({@code G_B}), or null: the version then serves AtoB only
   * @param imageSize the size the generators were trained at (default 256)
   * @param version the version to publish, or null for the job id (an import id is unique per job,
   *     a version only per model: the HTTP API gives each (model, version) its own job id)
   */
  public record ImportFiles(String a2b, String b2a, Integer imageSize, String version) {
    /** The default {@code imageSize}, that of the official pretrained models. */
    public static final int DEFAULT_IMAGE_SIZE = 256;

    /** Files to publish as the version named by the job id. */
    public ImportFiles(String a2b, String b2a, Integer imageSize) {
      this(a2b, b2a, imageSize, null);
    }

    public ImportFiles {
      Fields.required(a2b, "import.a2b");
      if (version != null && version.isBlank()) {
        throw new MessageFormatException(
            "import.version", "field 'import.version' must not be empty");
      }
      if (b2a != null && b2a.isBlank()) {
        throw new MessageFormatException("import.b2a", "field 'import.b2a' must not be empty");
      }
      imageSize = imageSize == null ? DEFAULT_IMAGE_SIZE : imageSize;
      if (imageSize < 8) {
        throw new MessageFormatException(
            "import.imageSize", "field 'import.imageSize' must be at least 8, was " + imageSize);
      }
    }
  }

  /**
   * The version a start command fine-tunes: a model name and, optionally, one of its versions
   * (trained or imported); without a version, the model's latest when the job is accepted.
   */
  public record InitFrom(String model, String version) {
    public InitFrom {
      Fields.required(model, "initFrom.model");
      if (version != null && version.isBlank()) {
        throw new MessageFormatException(
            "initFrom.version", "field 'initFrom.version' must not be empty");
      }
    }

    /** Parses {@code MODEL} or {@code MODEL:VERSION}, the CLI's and the HTTP API's spelling. */
    public static InitFrom parse(String spec) {
      if (spec == null || spec.isBlank()) {
        throw new IllegalArgumentException("initFrom must be MODEL or MODEL:VERSION, was empty");
      }
      int colon = spec.indexOf(':');
      if (colon < 0) {
        return new InitFrom(spec, null);
      }
      if (colon == 0 || colon == spec.length() - 1 || spec.indexOf(':', colon + 1) >= 0) {
        throw new IllegalArgumentException(
            "initFrom must be MODEL or MODEL:VERSION, was '" + spec + "'");
      }
      return new InitFrom(spec.substring(0, colon), spec.substring(colon + 1));
    }

    @Override
    public String toString() {
      return version == null ? model : model + ":" + version;
    }
  }
}
