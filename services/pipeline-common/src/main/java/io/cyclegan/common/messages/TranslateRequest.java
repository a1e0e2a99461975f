package io.cyclegan.common.messages;

import java.time.Instant;

/**
 * The claim check ingest sends to the inference worker: where the validated input lies, never the
 * image itself.
 */
public record TranslateRequest(
    String schema,
    String requestId,
    String bucket,
    String inputKey,
    String model,
    String modelVersion,
    Direction direction,
    String replyTopic,
    Integer width,
    Integer height,
    Instant receivedAt,
    OutputFormat outputFormat)
    implements Message {

  public static final String SCHEMA = "cyclegan.translate.request/v1";

  public TranslateRequest {
    Fields.schema(schema, SCHEMA);
    Fields.required(requestId, "requestId");
    Fields.required(bucket, "bucket");
    Fields.required(inputKey, "inputKey");
    Fields.required(model, "model");
    direction = direction == null ? Direction.AtoB : direction;
    Fields.required(receivedAt, "receivedAt");
    outputFormat = outputFormat == null ? OutputFormat.png : outputFormat;
  }

  /** A claim check of the current schema; {@code outputFormat} null means PNG. */
  public static TranslateRequest of(
      String requestId,
      String bucket,
      String inputKey,
      String model,
      String modelVersion,
      Direction direction,
      String replyTopic,
      int width,
      int height,
      Instant receivedAt,
      OutputFormat outputFormat) {
    return new TranslateRequest(
        SCHEMA,
        requestId,
        bucket,
        inputKey,
        model,
        modelVersion,
        direction,
        replyTopic,
        width,
        height,
        receivedAt,
        outputFormat);
  }
}
