package io.cyclegan.common.messages;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * A command on {@code cyclegan.training.commands}. {@code params} stays a raw map here: the
 * training worker validates each field and names the bad one in a {@code failed} event.
 *
 * @param initFrom for a start, the published version whose weights training starts from
 *     (fine-tuning, the official {@code --continue_train}); null to start from fresh weights
 */
public record TrainingCommand(
    String schema,
    String type,
    String jobId,
    String model,
    String dataset,
    Map<String, Object> params,
    InitFrom initFrom)
    implements Message {

  public static final String SCHEMA = "cyclegan.training.command/v1";
  public static final String START = "start";
  public static final String CANCEL = "cancel";

  public TrainingCommand {
    Fields.schema(schema, SCHEMA);
    Fields.required(type, "type");
    Fields.required(jobId, "jobId");
    if (START.equals(type)) {
      Fields.required(model, "model");
      Fields.required(dataset, "dataset");
    } else if (CANCEL.equals(type)) {
      if (initFrom != null) {
        throw new MessageFormatException(
            "initFrom", "field 'initFrom' belongs to a start command, not a cancel");
      }
    } else {
      throw new MessageFormatException(
          "type", "field 'type' is '" + type + "', expected one of [start, cancel]");
    }
    params = params == null ? Map.of() : Map.copyOf(params);
  }

  public static TrainingCommand start(
      String jobId, String model, String dataset, Map<String, Object> params) {
    return new TrainingCommand(SCHEMA, START, jobId, model, dataset, params, null);
  }

  /** This start command, starting from the weights of {@code from}. */
  public TrainingCommand withInitFrom(InitFrom from) {
    return new TrainingCommand(schema, type, jobId, model, dataset, params, from);
  }

  public static TrainingCommand cancel(String jobId) {
    return new TrainingCommand(SCHEMA, CANCEL, jobId, null, null, null, null);
  }

  @JsonIgnore
  public boolean isStart() {
    return START.equals(type);
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
