package io.cyclegan.training.commands;

import io.cyclegan.training.job.JobSpec;

/** What the poll loop does after a command was read. */
sealed interface Decision {

  /** The command is fully handled (duplicate, rejected, cancel): commit its offset now. */
  record Done() implements Decision {}

  /** Run (or resume) this job; commit only when it ends finished. */
  record Launch(JobSpec spec) implements Decision {}

  /** The store or Kafka failed before anything was decided: read the command again later. */
  record Retry(String reason) implements Decision {}

  Decision DONE = new Done();
}
