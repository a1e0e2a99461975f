package io.cyclegan.common.messages;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One fully populated instance of every message, for contract tests. */
final class SampleMessages {
  private SampleMessages() {}

  static List<Message> all() {
    Instant t = Instant.parse("2026-11-28T10:00:00Z");
    Map<String, Double> losses = new java.util.LinkedHashMap<>();
    for (String term : TrainingEvent.LOSS_TERMS) {
      losses.put(term, 0.25);
    }
    return List.of(
        TrainingCommand.start(
            "j1", "zebra", "horse2zebra", Map.of("epochs", 3, "imageSize", 64, "lr", 0.0002)),
        TrainingCommand.start("j2", "zebra", "horse2zebra", Map.of())
            .withInitFrom(new TrainingCommand.InitFrom("horse2zebra", "imported-20261201-101500")),
        TrainingCommand.cancel("j1"),
        TrainingCommand.importModel(
            "imp1",
            "horse2zebra",
            new TrainingCommand.ImportFiles(
                "imports/imp1/a2b.bin", "imports/imp1/b2a.bin", 256, "v1")),
        new TrainingEvent(
            TrainingEvent.SCHEMA,
            "j1",
            TrainingEvent.Type.progress,
            2,
            120L,
            losses,
            3.5,
            0.0002,
            "zebra",
            null,
            null,
            t,
            null),
        new TrainingEvent(
            TrainingEvent.SCHEMA,
            "j1",
            TrainingEvent.Type.failed,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            "params.epochs must be >= 0, was -1",
            t,
            "BAD_PARAMS"),
        new TranslateRequest(
            TranslateRequest.SCHEMA,
            "r-1",
            "cyclegan",
            "requests/r-1/input.png",
            "zebra",
            "v3",
            Direction.BtoA,
            "my.replies",
            640,
            480,
            t,
            OutputFormat.jpeg),
        new TranslateResult(
            TranslateResult.SCHEMA,
            "r-1",
            TranslateResult.Status.ok,
            "cyclegan",
            "results/r-1/output.png",
            "zebra",
            "v3",
            Direction.AtoB,
            640,
            480,
            false,
            null,
            new TranslateResult.Timings(5L, 40L, 60L),
            t,
            null),
        TranslateResult.error(
                "r-2", "zebra", Direction.AtoB, "UNKNOWN_MODEL: unknown model 'zebra'")
            .withReason("UNKNOWN_MODEL"),
        new ModelAnnouncement(
            ModelAnnouncement.SCHEMA,
            "zebra",
            "v3",
            "cyclegan",
            "models/zebra/v3/",
            64,
            "j1",
            Map.of("l1ToTruth", 0.05),
            t,
            "alice",
            "v2"),
        new DatasetEvent(
            DatasetEvent.SCHEMA,
            "horse2zebra",
            "A",
            Map.of("A", 10L, "B", 7L),
            "datasets/horse2zebra/A/" + "0".repeat(64) + ".png",
            false,
            t));
  }
}
