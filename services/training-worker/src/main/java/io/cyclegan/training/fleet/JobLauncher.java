package io.cyclegan.training.fleet;

import io.cyclegan.training.job.Fence;
import io.cyclegan.training.job.JobState;
import io.cyclegan.training.job.RunningJob;

/** What the scheduler does with a job it has leased; the command handler knows what jobs mean. */
public interface JobLauncher {

  /** Starts (or resumes) the job on its own thread; every state it writes is checked by fence. */
  RunningJob launch(JobState state, Fence fence);

  /**
   * Ends the job at once, under the lease, when it must not run: cancel requested while it was not
   * running, or its runs kept taking workers down. True when it did.
   */
  boolean endWithoutRunning(JobState state, boolean cancelRequested, Fence fence);

  /**
   * A finished job still in the queue: what came after its final state (the final event, the model
   * announcement) may not have happened, so it is done again.
   */
  void finishAgain(JobState state);
}
