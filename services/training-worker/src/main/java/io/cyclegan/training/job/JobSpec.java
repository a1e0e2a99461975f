package io.cyclegan.training.job;

import io.cyclegan.common.messages.TrainingCommand.InitFrom;
import io.cyclegan.model.CycleGanConfig;

/**
 * A validated start command, ready to run.
 *
 * @param jobId the job id, also the model version
 * @param model the model name
 * @param dataset the dataset name
 * @param config the hyperparameters, with the device already resolved (params, else worker)
 * @param source where the command was read
 * @param commandTime the command record's timestamp (orders cancels from other partitions)
 * @param state the state as accepted, or as found when a redelivered command resumes
 * @param principal who sent the command ({@code cg-principal}), recorded with the published model;
 *     {@code null} when it named none
 */
public record JobSpec(
    String jobId,
    String model,
    String dataset,
    CycleGanConfig config,
    CommandSource source,
    long commandTime,
    JobState state,
    String principal) {

  public String version() {
    return state.version();
  }

  /** The version a fine-tuning job starts from (resolved on acceptance), or null. */
  public InitFrom initFrom() {
    return state.initFrom();
  }
}
