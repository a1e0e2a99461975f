package io.cyclegan.cli.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the driver saw of every translation request and training job: when it was sent, whether
 * Kafka acknowledged it, and every result or terminal event that came back. Written by the load and
 * watcher threads, read by the summary; every method is synchronized.
 */
final class Ledger {

  /** One result seen on the results topic. */
  record Result(boolean ok, String error, long receivedAtMs) {}

  /**
   * One request.
   *
   * @param ackedAtMs when the producer's send was acknowledged, or -1 (not yet, or never)
   * @param sendError why sends of it failed, every attempt's reason, or {@code null}
   */
  record Request(String id, long sentAtMs, long ackedAtMs, String sendError, List<Result> results) {

    Request {
      results = List.copyOf(results);
    }

    boolean acked() {
      return ackedAtMs >= 0;
    }

    /** When the first ok result arrived, or -1. */
    long firstOkAtMs() {
      return results.stream().filter(Result::ok).mapToLong(Result::receivedAtMs).min().orElse(-1);
    }
  }

  /**
   * One training job.
   *
   * @param terminal {@code completed}, {@code failed} or {@code cancelled}; {@code null} while
   *     running
   */
  record Job(
      String id, long sentAtMs, boolean acked, String terminal, long terminalAtMs, String error) {}

  private final Map<String, Request> requests = new LinkedHashMap<>();
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final List<String> unexpectedResults = new ArrayList<>();

  synchronized void requestSent(String id, long atMs) {
    requests.put(id, new Request(id, atMs, -1, null, List.of()));
  }

  synchronized void requestAcked(String id, long atMs) {
    Request r = requests.get(id);
    if (r != null) {
      requests.put(id, new Request(id, r.sentAtMs(), atMs, r.sendError(), r.results()));
    }
  }

  /** A send the producer gave up on; the error is kept even when a later attempt is acked. */
  synchronized void requestFailed(String id, String error) {
    Request r = requests.get(id);
    if (r != null) {
      String errors = r.sendError() == null ? error : r.sendError() + "; " + error;
      requests.put(id, new Request(id, r.sentAtMs(), r.ackedAtMs(), errors, r.results()));
    }
  }

  /** A result on the results topic; one for an id this run did not send is kept apart. */
  synchronized void result(String id, boolean ok, String error, long receivedAtMs) {
    Request r = requests.get(id);
    if (r == null) {
      unexpectedResults.add(id);
      return;
    }
    List<Result> results = new ArrayList<>(r.results());
    results.add(new Result(ok, error, receivedAtMs));
    requests.put(id, new Request(id, r.sentAtMs(), r.ackedAtMs(), r.sendError(), results));
  }

  synchronized void jobSent(String id, long atMs, boolean acked) {
    jobs.put(id, new Job(id, atMs, acked, null, -1, null));
  }

  /** The first terminal event of a job counts; a later one (a rewrite) is ignored here. */
  synchronized void jobEnded(String id, String terminal, String error, long atMs) {
    Job j = jobs.get(id);
    if (j != null && j.terminal() == null) {
      jobs.put(id, new Job(id, j.sentAtMs(), j.acked(), terminal, atMs, error));
    }
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests.values());
  }

  synchronized List<Job> jobs() {
    return List.copyOf(jobs.values());
  }

  synchronized List<String> unexpectedResults() {
    return Collections.unmodifiableList(new ArrayList<>(unexpectedResults));
  }

  /** Acknowledged requests with no result yet. */
  synchronized long outstandingRequests() {
    return requests.values().stream().filter(r -> r.acked() && r.results().isEmpty()).count();
  }

  /** Jobs sent and not yet ended. */
  synchronized long runningJobs() {
    return jobs.values().stream().filter(j -> j.terminal() == null).count();
  }
}
