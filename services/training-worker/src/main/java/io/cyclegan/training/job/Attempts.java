package io.cyclegan.training.job;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells a job that keeps taking its worker down (out of memory, a native crash) from one that is
 * merely resumed. Each run adds one to {@code attempts} in state.json before it builds its trainer;
 * a sign of life (a checkpoint, an orderly stop) sets it back. So a count that reaches {@code max}
 * means that many runs in a row ended without a word, and the job is failed with that reason
 * instead of being redelivered to one worker after another.
 *
 * <p>A run that this worker left alive because Kafka or the store stayed away beyond the outage
 * budget could not write that it did; this worker remembers it, so the retry does not count.
 */
public final class Attempts {
  /** The variable that sets {@link #max}. */
  public static final String VARIABLE = "CYCLEGAN_TRAINING_MAX_ATTEMPTS";

  private final int max;
  private final Set<String> leftAlive = ConcurrentHashMap.newKeySet();

  public Attempts(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max attempts must be >= 1, was " + max);
    }
    this.max = max;
  }

  /** True when the job may not run again: {@code max} runs in a row ended without a word. */
  public boolean exhausted(JobState state) {
    return !leftAlive.contains(state.jobId()) && state.attempts() >= max;
  }

  /** Why an exhausted job fails. */
  public String reason(JobState state) {
    return "job "
        + state.jobId()
        + " was started "
        + state.attempts()
        + " times in a row without reaching a checkpoint or stopping in order: its worker died"
        + " each time (out of memory, or a native crash?); "
        + VARIABLE
        + " is "
        + max;
  }

  /** The state this run writes before it builds its trainer: one attempt more. */
  public JobState begin(JobState state) {
    if (leftAlive.remove(state.jobId())) {
      return state; // this worker's previous run ended alive: the same attempt goes on
    }
    return state.withAttempts(state.attempts() + 1);
  }

  /** This worker left the run alive without being able to write so. */
  public void leftAlive(String jobId) {
    leftAlive.add(jobId);
  }
}
