package io.cyclegan.common.messages;

import java.time.Instant;
import java.util.Map;

/**
 * A model version on the compacted {@code cyclegan.models} topic (keyed by model name, so the
 * newest version per model survives compaction).
 */
public record ModelAnnouncement(
    String schema,
    String model,
    String version,
    String bucket,
    String prefix,
    Integer imageSize,
    String jobId,
    Map<String, Double> metrics,
    Instant time,
    String principal,
    String previousVersion)
    implements Message {

  public static final String SCHEMA = "cyclegan.model/v1";

  public ModelAnnouncement {
    Fields.schema(schema, SCHEMA);
    Fields.required(model, "model");
    Fields.required(version, "version");
    Fields.required(bucket, "bucket");
    Fields.required(prefix, "prefix");
    Fields.required(time, "time");
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }

  public static ModelAnnouncement of(
      String model,
      String version,
      String bucket,
      String prefix,
      int imageSize,
      String jobId,
      Map<String, Double> metrics) {
    return new ModelAnnouncement(
        SCHEMA,
        model,
        version,
        bucket,
        prefix,
        imageSize,
        jobId,
        metrics,
        Instant.now(),
        null,
        null);
  }

  /**
   * The same announcement with who published it: the principal that started the job ({@code
   * cg-principal} of its command, absent when none was given) and the version it replaces (absent
   * for a model's first version). Optional and additive in v1.
   */
  public ModelAnnouncement withPublisher(String principal, String previousVersion) {
    return new ModelAnnouncement(
        schema,
        model,
        version,
        bucket,
        prefix,
        imageSize,
        jobId,
        metrics,
        time,
        principal,
        previousVersion);
  }
}
