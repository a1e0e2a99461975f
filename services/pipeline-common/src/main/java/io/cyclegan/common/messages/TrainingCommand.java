package io.cyclegan.common.messages;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;

/**
 * A command on {@code cyclegan.training.commands}. {@code params} stays a raw map here: the
 * training worker validates each field and names the bad one in a {@code failed} event.
 */
public record TrainingCommand(
    String schema,
    String type,
    String jobId,
    String model,
    String dataset,
    Map<String, Object> params)
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
    } else if (!CANCEL.equals(type)) {
      throw new MessageFormatException(
          "type", "field 'type' is '" + type + "', expected one of [start, cancel]");
    }
    params = params == null ? Map.of() : Map.copyOf(params);
  }

  public static TrainingCommand start(
      String jobId, String model, String dataset, Map<String, Object> params) {
    return new TrainingCommand(SCHEMA, START, jobId, model, dataset, params);
  }

  public static TrainingCommand cancel(String jobId) {
    return new TrainingCommand(SCHEMA, CANCEL, jobId, null, null, null);
  }

  @JsonIgnore
  public boolean isStart() {
    return START.equals(type);
  }
}
