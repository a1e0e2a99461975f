package io.cyclegan.common.messages;

import java.time.Instant;
import java.util.Map;

/**
 * A dataset's state on the compacted {@code cyclegan.datasets} topic, after an image was added: the
 * number of images per domain and the newest image.
 */
public record DatasetEvent(
    String schema,
    String dataset,
    String domain,
    Map<String, Long> counts,
    String lastImageKey,
    Boolean duplicate,
    Instant time)
    implements Message {

  public static final String SCHEMA = "cyclegan.dataset/v1";

  public DatasetEvent {
    Fields.schema(schema, SCHEMA);
    Fields.required(dataset, "dataset");
    Fields.required(domain, "domain");
    Fields.required(counts, "counts");
    counts = Map.copyOf(counts);
    Fields.required(time, "time");
  }

  public static DatasetEvent of(
      String dataset,
      String domain,
      Map<String, Long> counts,
      String lastImageKey,
      boolean duplicate) {
    return new DatasetEvent(
        SCHEMA, dataset, domain, counts, lastImageKey, duplicate, Instant.now());
  }
}
