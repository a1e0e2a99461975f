package io.cyclegan.common.messages;

import java.time.Instant;
import java.util.Map;

/**
 * An event on {@code cyclegan.training.events}. Only {@code jobId}, {@code type} and {@code time}
 * are always present; the rest depends on the type.
 */
public record TrainingEvent(
    String schema,
    String jobId,
    Type type,
    Integer epoch,
    Long step,
    Map<String, Double> losses,
    Double imagesPerSecond,
    Double learningRate,
    String model,
    String modelVersion,
    String error,
    Instant time,
    String reason)
    implements Message {

  public static final String SCHEMA = "cyclegan.training.event/v1";

  /** The eight loss terms a progress event carries, named as in the reference code. */
  public static final java.util.List<String> LOSS_TERMS =
      java.util.List.of("D_A", "G_A", "cycle_A", "idt_A", "D_B", "G_B", "cycle_B", "idt_B");

  /** What happened to the job. */
  public enum Type {
    accepted,
    duplicate,
    started,
    progress,
    checkpoint,
    completed,
    failed,
    cancelled
  }

  public TrainingEvent {
    Fields.schema(schema, SCHEMA);
    Fields.required(jobId, "jobId");
    Fields.required(type, "type");
    Fields.required(time, "time");
    losses = losses == null ? null : Map.copyOf(losses);
  }

  /** An event of the given type with only the job id and the time set. */
  public static TrainingEvent of(String jobId, Type type) {
    return new TrainingEvent(
        SCHEMA, jobId, type, null, null, null, null, null, null, null, null, Instant.now(), null);
  }

  public TrainingEvent withProgress(
      int epoch, long step, Map<String, Double> losses, double imagesPerSecond, double lr) {
    return new TrainingEvent(
        schema,
        jobId,
        type,
        epoch,
        step,
        losses,
        imagesPerSecond,
        lr,
        model,
        modelVersion,
        error,
        time,
        reason);
  }

  public TrainingEvent withPosition(int epoch, long step) {
    return new TrainingEvent(
        schema,
        jobId,
        type,
        epoch,
        step,
        losses,
        imagesPerSecond,
        learningRate,
        model,
        modelVersion,
        error,
        time,
        reason);
  }

  public TrainingEvent withModel(String model, String modelVersion) {
    return new TrainingEvent(
        schema,
        jobId,
        type,
        epoch,
        step,
        losses,
        imagesPerSecond,
        learningRate,
        model,
        modelVersion,
        error,
        time,
        reason);
  }

  public TrainingEvent withError(String error) {
    return new TrainingEvent(
        schema,
        jobId,
        type,
        epoch,
        step,
        losses,
        imagesPerSecond,
        learningRate,
        model,
        modelVersion,
        error,
        time,
        reason);
  }

  /** The same event with a reason code ({@link io.cyclegan.common.trust.ReasonCode} name). */
  public TrainingEvent withReason(String reason) {
    return new TrainingEvent(
        schema,
        jobId,
        type,
        epoch,
        step,
        losses,
        imagesPerSecond,
        learningRate,
        model,
        modelVersion,
        error,
        time,
        reason);
  }
}
