package io.cyclegan.cli.training;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.output.OutputOptions;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Lists the jobs that have a state document in the store. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List training jobs.")
public final class JobsCommand extends ClientCommand {

  @Mixin OutputOptions output = new OutputOptions();

  JobsCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    if (api().isPresent()) {
      throw notOverApi("jobs", "that lists jobs (one job is GET /jobs/{id}: cyclegan job ID)");
    }
    List<Map<String, Object>> jobs = new JobStates(connection().store()).rows();
    output.printList(
        out(), "jobs", jobs, List.of("id", "state", "place", "epoch", "step"), "no jobs");
    return ExitCodes.OK;
  }
}
