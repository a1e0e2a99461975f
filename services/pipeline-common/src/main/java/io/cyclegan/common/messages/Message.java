package io.cyclegan.common.messages;

/** A JSON message with a schema version. */
public sealed interface Message
    permits TrainingCommand,
        TrainingEvent,
        TranslateRequest,
        TranslateResult,
        ModelAnnouncement,
        DatasetEvent {

  /** The schema id and version, e.g. {@code cyclegan.training.command/v1}. */
  String schema();
}
