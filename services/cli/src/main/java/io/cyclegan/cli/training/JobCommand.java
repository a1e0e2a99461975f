package io.cyclegan.cli.training;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.cli.console.LiveLine;
import io.cyclegan.cli.output.OutputOptions;
import io.cyclegan.cli.topics.TopicReader;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectKeys;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints one job's state document; with {@code --follow}, then follows its events to the end. */
@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    description = "Show a training job's state; with --follow, follow its events until it ends.")
public final class JobCommand extends ClientCommand {

  @Parameters(paramLabel = "ID", description = "job id")
  String jobId;

  @Mixin OutputOptions output = new OutputOptions();

  @Option(names = "--follow", description = "follow the job's events until it ends")
  boolean follow;

  @Option(
      names = "--follow-timeout",
      defaultValue = "0",
      paramLabel = "SECONDS",
      description = "stop following after this long (default: 0, no limit)")
  long followTimeoutSeconds;

  JobCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    Names.require("job id", jobId);
    Optional<ApiClient> api = api();
    if (api.isPresent()) {
      Optional<JsonNode> doc = api.get().getJson("/jobs/" + jobId);
      if (doc.isPresent()) {
        output.printDocument(out(), doc.get());
      } else if (!follow) {
        err().println("no job " + jobId + " (the HTTP API answered 404)");
        return ExitCodes.FAILED;
      }
      if (!follow) {
        return ExitCodes.OK;
      }
      out().flush();
      return new ApiJobFollower(
              api.get(), jobId, TrainingPlan.UNKNOWN, new LiveLine(out(), context.interactive()))
          .follow(Duration.ofSeconds(followTimeoutSeconds));
    }
    Connection connection = connection();
    String key = ObjectKeys.jobState(jobId);
    Optional<byte[]> state = connection.store().get(key);
    if (state.isPresent()) {
      output.printDocument(out(), MessageCodec.mapper().readTree(state.get()));
    } else if (!follow) {
      err()
          .println(
              "no job " + jobId + ": " + key + " is not in bucket " + connection.s3().bucket());
      return ExitCodes.FAILED;
    }
    if (!follow) {
      return ExitCodes.OK;
    }
    out().flush();
    try (KafkaConsumer<byte[], byte[]> consumer = connection.reader()) {
      return new JobFollower(
              new TopicReader(consumer),
              connection.topics().trainingEvents(),
              jobId,
              null,
              TrainingPlan.UNKNOWN,
              new LiveLine(out(), context.interactive()))
          .follow(Duration.ofSeconds(followTimeoutSeconds));
    }
  }
}
