package io.cyclegan.cli.training;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.store.Names;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Publishes a cancel command; the worker answers with a {@code cancelled} event. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a training job.")
public final class CancelCommand extends ClientCommand {

  @Parameters(paramLabel = "ID", description = "job id")
  String jobId;

  CancelCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    Names.require("job id", jobId);
    Optional<ApiClient> api = api();
    if (api.isPresent()) {
      api.get().postJson("/jobs/" + jobId + "/cancel", null);
      out().println("cancel requested for job " + jobId + " over the HTTP API");
      return ExitCodes.OK;
    }
    Connection connection = connection();
    try (KafkaProducer<byte[], byte[]> producer = connection.producer()) {
      producer
          .send(
              CloudEvents.record(
                  connection.topics().trainingCommands(),
                  jobId,
                  TrainingCommand.cancel(jobId),
                  TrainCommand.SOURCE))
          .get();
    }
    out()
        .println(
            "sent cancel for job "
                + jobId
                + "; watch it with: cyclegan job "
                + jobId
                + " --follow");
    return ExitCodes.OK;
  }
}
