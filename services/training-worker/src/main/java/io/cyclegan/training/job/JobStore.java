package io.cyclegan.training.job;

import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import java.time.Instant;
import java.util.Optional;

/** Reads and writes {@code jobs/{jobId}/state.json}, each write one complete PUT. */
public final class JobStore {
  private final ObjectStore store;

  public JobStore(ObjectStore store) {
    this.store = store;
  }

  /** The same store, whose writes give up waiting for the store at {@code deadline}. */
  public JobStore until(Instant deadline) {
    return new JobStore(store.withDeadline(deadline));
  }

  public Optional<JobState> read(String jobId) {
    return store.getJson(ObjectKeys.jobState(jobId), JobState.class);
  }

  public JobState write(JobState state) {
    store.putJson(ObjectKeys.jobState(state.jobId()), state);
    return state;
  }
}
