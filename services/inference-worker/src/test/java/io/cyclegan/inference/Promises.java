package io.cyclegan.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.store.ObjectKeys;
import java.util.List;

/** The promises the fault tests check, each written once. */
final class Promises {
  private Promises() {}

  static List<String> ids(List<TranslateRequest> requests) {
    return requests.stream().map(TranslateRequest::requestId).toList();
  }

  /** Every request has a result and its output; no result of any request is an error. */
  static void everyRequestAnsweredOk(WorkerFixture f, List<String> ids) {
    assertThat(ids)
        .allSatisfy(
            id -> {
              assertThat(f.results(id)).as("results of %s", id).isNotEmpty();
              assertThat(f.results(id))
                  .as("results of %s", id)
                  .allSatisfy(r -> assertThat(r.status()).isEqualTo(TranslateResult.Status.ok));
              assertThat(f.store.exists(ObjectKeys.resultOutput(id)))
                  .as("output of %s", id)
                  .isTrue();
            });
  }

  /** As {@link #everyRequestAnsweredOk}, and exactly once. */
  static void everyRequestAnsweredOkOnce(WorkerFixture f, List<String> ids) {
    everyRequestAnsweredOk(f, ids);
    assertThat(ids).allSatisfy(id -> assertThat(f.results(id)).as("results of %s", id).hasSize(1));
  }

  /** Results beyond the first, over all requests (at-least-once allows them; tests report them). */
  static int duplicates(WorkerFixture f, List<String> ids) {
    return ids.stream().mapToInt(id -> Math.max(0, f.results(id).size() - 1)).sum();
  }

  /** The group's committed offset of every request partition has reached its end offset. */
  static void committedReachesEnd(WorkerFixture f) {
    assertThat(f.uncommitted().values())
        .as("requests not committed, per partition")
        .containsOnly(0L);
  }
}
