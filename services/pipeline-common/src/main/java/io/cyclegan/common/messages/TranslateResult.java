package io.cyclegan.common.messages;

import java.time.Instant;

/**
 * The answer to a translation request, on {@code cyclegan.translate.results} or a reply topic. An
 * error result names its {@code reason} code (ingest's {@code RejectReason} or {@link
 * io.cyclegan.common.trust.ReasonCode}, optional and additive in v1) and a safe {@code error}
 * message.
 */
public record TranslateResult(
    String schema,
    String requestId,
    Status status,
    String bucket,
    String outputKey,
    String model,
    String modelVersion,
    Direction direction,
    Integer width,
    Integer height,
    Boolean scaledDown,
    String error,
    Timings timings,
    Instant time,
    String reason)
    implements Message {

  public static final String SCHEMA = "cyclegan.translate.result/v1";

  /** Whether the request produced an output. */
  public enum Status {
    ok,
    error
  }

  /**
   * Where the time went, in milliseconds: waiting in Kafka and the batcher, the model, end to end.
   */
  public record Timings(Long queueMs, Long inferenceMs, Long totalMs) {}

  public TranslateResult {
    Fields.schema(schema, SCHEMA);
    Fields.required(requestId, "requestId");
    Fields.required(status, "status");
    if (status == Status.ok) {
      Fields.required(outputKey, "outputKey");
    } else {
      Fields.required(error, "error");
    }
    Fields.required(time, "time");
  }

  public static TranslateResult ok(
      String requestId,
      String bucket,
      String outputKey,
      String model,
      String modelVersion,
      Direction direction,
      int width,
      int height,
      boolean scaledDown,
      Timings timings) {
    return new TranslateResult(
        SCHEMA,
        requestId,
        Status.ok,
        bucket,
        outputKey,
        model,
        modelVersion,
        direction,
        width,
        height,
        scaledDown,
        null,
        timings,
        Instant.now(),
        null);
  }

  /** The same result with a reason code (an error result's machine-readable cause). */
  public TranslateResult withReason(String reason) {
    return new TranslateResult(
        schema,
        requestId,
        status,
        bucket,
        outputKey,
        model,
        modelVersion,
        direction,
        width,
        height,
        scaledDown,
        error,
        timings,
        time,
        reason);
  }

  public static TranslateResult error(
      String requestId, String model, Direction direction, String error) {
    return new TranslateResult(
        SCHEMA,
        requestId,
        Status.error,
        null,
        null,
        model,
        null,
        direction,
        null,
        null,
        null,
        error,
        null,
        Instant.now(),
        null);
  }
}
