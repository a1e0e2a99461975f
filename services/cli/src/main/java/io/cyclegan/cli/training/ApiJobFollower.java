package io.cyclegan.cli.training;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.connect.EventStream;
import io.cyclegan.cli.console.LiveLine;
import java.time.Duration;

/**
 * Follows one job over the HTTP API: its Server-Sent Events stream {@code GET /jobs/{id}/events},
 * which sends the job's state document at once and whenever it changes. A change of state is a line
 * of its own; epochs and steps update the live line. The final state ({@code completed}, {@code
 * failed}, {@code cancelled}) decides the exit status; a dropped stream is opened again and starts
 * with the current document, so the final state is seen even when it was written while the stream
 * was down.
 */
public final class ApiJobFollower {
  private final ApiClient api;
  private final String jobId;
  private final TrainingPlan plan;
  private final LiveLine line;

  private String lastState;
  private String lastText;
  private Integer outcome;

  public ApiJobFollower(ApiClient api, String jobId, TrainingPlan plan, LiveLine line) {
    this.api = api;
    this.jobId = jobId;
    this.plan = plan;
    this.line = line;
  }

  /**
   * @param timeout how long to follow; {@link Duration#ZERO} for as long as the job runs
   * @return the exit status: the job's outcome, or a timeout
   */
  public int follow(Duration timeout) throws InterruptedException {
    boolean ended = api.events("/jobs/" + jobId + "/events").read(this::on, timeout);
    if (!ended) {
      line.println(
          "stopped following job "
              + jobId
              + " after "
              + timeout.toSeconds()
              + " s; it may still run");
      return ExitCodes.TIMEOUT;
    }
    line.finish();
    return outcome != null ? outcome : ExitCodes.FAILED;
  }

  private boolean on(EventStream.Event event) {
    switch (event.type()) {
      case EventStream.MISSING -> {
        line.println("job " + jobId + " has no state yet (no worker accepted it yet); waiting");
        return false;
      }
      case "state" -> {
        JsonNode state = event.json();
        String status = state.path("state").asText("?");
        String text = describe(state, status);
        if (!status.equals(lastState)) {
          if (status.equals("running")) {
            // The line that says a run started says where, as the started event's does.
            text +=
                ProgressFormat.where(
                    state.path("device").asText(null),
                    state.hasNonNull("intraOpThreads")
                        ? state.get("intraOpThreads").asText()
                        : null);
          }
          line.println(text);
          lastState = status;
        } else if (!text.equals(lastText)) {
          // A document can change without changing the line (the queue's fields): a pipe or a
          // log gets each line once.
          line.update(text);
        }
        lastText = text;
        outcome =
            switch (status) {
              case "completed" -> ExitCodes.OK;
              case "failed", "cancelled" -> ExitCodes.FAILED;
              default -> null;
            };
        return outcome != null;
      }
      case EventStream.END -> {
        return true;
      }
      case "error" -> {
        // The store failed under the server; the stream ends and is opened again.
        JsonNode problem = event.json();
        line.println(
            "the HTTP API's event stream reported "
                + problem.path("reason").asText("an error")
                + ": "
                + problem.path("detail").asText("")
                + "; reconnecting");
        return false;
      }
      default -> {
        return false; // an event type of a later API
      }
    }
  }

  /** {@code j1 running epoch 3/10 step 120/400}, the error of a failed job, its version. */
  private String describe(JsonNode state, String status) {
    StringBuilder text = new StringBuilder(jobId).append(' ').append(status);
    if (state.hasNonNull("epoch")) {
      text.append(" epoch ").append(state.get("epoch").asLong());
      if (plan.totalEpochs() != null) {
        text.append('/').append(plan.totalEpochs());
      }
    }
    if (state.hasNonNull("step")) {
      text.append(" step ").append(state.get("step").asLong());
      plan.totalSteps().ifPresent(total -> text.append('/').append(total));
    }
    if (state.hasNonNull("version")) {
      text.append(" version ").append(state.get("version").asText());
    }
    if (state.hasNonNull("error")) {
      text.append(": ").append(state.get("error").asText());
    }
    return text.toString();
  }
}
