package io.cyclegan.ingest.routing;

import java.util.Map;

/** What became of one input. */
public sealed interface Outcome {

  IngestInput input();

  /**
   * A dataset image, stored under its content address.
   *
   * @param duplicate the same image was already in the dataset (nothing was written)
   * @param counts images per domain ({@code A}, {@code B}) after this batch
   */
  record Stored(
      IngestInput input,
      Route.Dataset route,
      String key,
      String sha256,
      int width,
      int height,
      boolean duplicate,
      Map<String, Long> counts)
      implements Outcome {}

  /** A translation request, stored and handed to the inference worker by a claim check. */
  record Submitted(IngestInput input, Route.Translate route, String inputKey, int width, int height)
      implements Outcome {}

  /**
   * A refused input.
   *
   * @param reply how the refusal is answered, when it was a translation request
   */
  record Rejected(IngestInput input, RejectedInputException error, Reply reply) implements Outcome {

    public RejectReason reason() {
      return error.reason();
    }
  }
}
