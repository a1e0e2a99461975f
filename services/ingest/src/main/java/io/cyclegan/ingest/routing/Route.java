package io.cyclegan.ingest.routing;

import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.OutputFormat;

/** Where a valid input goes, read from its headers. */
public sealed interface Route {

  /** Into {@code datasets/{dataset}/{domain}/}, announced on {@code cyclegan.datasets}. */
  record Dataset(String dataset, String domain) implements Route {}

  /**
   * Into {@code requests/{requestId}/input.png}, with a claim check on {@code
   * cyclegan.translate.requests}.
   *
   * @param modelVersion a pinned version, or {@code null} for the newest
   * @param replyTopic where the caller wants the result, or {@code null} for the results topic
   * @param outputFormat how the output is encoded
   */
  record Translate(
      String requestId,
      String model,
      String modelVersion,
      Direction direction,
      String replyTopic,
      OutputFormat outputFormat)
      implements Route {}
}
