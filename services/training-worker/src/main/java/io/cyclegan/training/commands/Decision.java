package io.cyclegan.training.commands;

/** What the poll loop does after a command was read. */
sealed interface Decision {

  /** The command is fully handled (a job queued, a duplicate, rejected, a cancel): commit now. */
  record Done() implements Decision {}

  /** The store or Kafka failed before anything was decided: read the command again later. */
  record Retry(String reason) implements Decision {}

  Decision DONE = new Done();
}
