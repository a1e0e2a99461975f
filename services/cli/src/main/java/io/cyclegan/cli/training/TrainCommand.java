package io.cyclegan.cli.training;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.cli.console.LiveLine;
import io.cyclegan.cli.topics.TopicReader;
import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingCommand.InitFrom;
import io.cyclegan.common.store.Names;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Publishes a training start command and, with {@code --follow}, watches the job to its end. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    modelTransformer = TrainingParams.Options.class,
    description = "Start a training job; with --follow, show its progress until it ends.")
public final class TrainCommand extends ClientCommand {

  static final String SOURCE = "cyclegan-cli";

  @Option(names = "--job", required = true, paramLabel = "ID", description = "job id")
  String jobId;

  @Option(names = "--model", required = true, paramLabel = "NAME", description = "model name")
  String model;

  @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "dataset name")
  String dataset;

  @Mixin(name = TrainingParams.MIXIN_NAME)
  TrainingParams params = new TrainingParams();

  @Option(
      names = "--init-from",
      paramLabel = "MODEL[:VERSION]",
      description =
          "fine-tune: start from this published version's generators (trained, or imported from"
              + " both directions), and its discriminators when it has a training checkpoint"
              + " (default VERSION: the model's latest)")
  String initFrom;

  @Option(names = "--follow", description = "show progress; exit 0 when the job completes")
  boolean follow;

  @Option(
      names = "--follow-timeout",
      defaultValue = "0",
      paramLabel = "SECONDS",
      description = "stop following after this long (default: 0, no limit)")
  long followTimeoutSeconds;

  TrainCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    Names.require("job id", jobId);
    Names.require("model", model);
    Names.require("dataset", dataset);
    TrainingCommand start = TrainingCommand.start(jobId, model, dataset, params.toMap());
    if (initFrom != null) {
      InitFrom from = InitFrom.parse(initFrom);
      Names.require("--init-from model", from.model());
      if (from.version() != null) {
        Names.require("--init-from version", from.version());
      }
      start = start.withInitFrom(from);
    }
    Optional<ApiClient> api = api();
    if (api.isPresent()) {
      return overApi(api.get(), start);
    }
    Connection connection = connection();
    String events = connection.topics().trainingEvents();
    try (KafkaProducer<byte[], byte[]> producer = connection.producer();
        KafkaConsumer<byte[], byte[]> consumer = connection.reader()) {
      TopicReader reader = new TopicReader(consumer);
      Map<TopicPartition, Long> sentAt = follow ? reader.endOffsets(List.of(events)) : null;
      producer
          .send(CloudEvents.record(connection.topics().trainingCommands(), jobId, start, SOURCE))
          .get();
      out()
          .println(
              "sent start for job "
                  + jobId
                  + ": "
                  + new String(
                      MessageCodec.encode(start), java.nio.charset.StandardCharsets.UTF_8));
      if (!follow) {
        out().println("follow it with: cyclegan job " + jobId + " --follow");
        return ExitCodes.OK;
      }
      out().flush();
      TrainingPlan plan = new PlanEstimate(connection).forStart(start);
      return new JobFollower(
              reader, events, jobId, sentAt, plan, new LiveLine(out(), context.interactive()))
          .follow(Duration.ofSeconds(followTimeoutSeconds));
    }
  }

  /** {@code POST /jobs}: the same start command, published by the API. */
  private int overApi(ApiClient api, TrainingCommand start) throws InterruptedException {
    if (follow) {
      // The stream starts with the job's current state: a job that already exists would be
      // followed to its old outcome, so say so instead (the worker ignores the start anyway).
      Optional<com.fasterxml.jackson.databind.JsonNode> existing = api.getJson("/jobs/" + jobId);
      if (existing.isPresent()) {
        out()
            .println(
                "job "
                    + jobId
                    + " already exists (state: "
                    + existing.get().path("state").asText("?")
                    + "); nothing was sent. Follow it with: cyclegan job "
                    + jobId
                    + " --follow");
        return ExitCodes.EXISTS;
      }
    }
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("jobId", start.jobId());
    body.put("model", start.model());
    body.put("dataset", start.dataset());
    body.put("params", start.params());
    if (start.initFrom() != null) {
      body.put("initFrom", start.initFrom());
    }
    api.postJson("/jobs", body);
    out()
        .println(
            "submitted job " + jobId + " over the HTTP API; see it with: cyclegan job " + jobId);
    if (!follow) {
      return ExitCodes.OK;
    }
    out().flush();
    return new ApiJobFollower(api, jobId, plan(start), new LiveLine(out(), context.interactive()))
        .follow(Duration.ofSeconds(followTimeoutSeconds));
  }

  /** Epochs from the parameters (the worker's defaults); no dataset size is read over the API. */
  private static TrainingPlan plan(TrainingCommand start) {
    try {
      io.cyclegan.model.CycleGanConfig config =
          io.cyclegan.model.CycleGanConfig.fromParams(start.params());
      return new TrainingPlan(config.epochs() + config.decayEpochs(), null, config.batchSize());
    } catch (IllegalArgumentException e) {
      return TrainingPlan.UNKNOWN; // the worker will refuse the job and say why
    }
  }
}
