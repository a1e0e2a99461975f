package io.cyclegan.cli.training;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import java.util.List;
import picocli.CommandLine.Command;

/** Lists the jobs that have a state document in the store. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List training jobs.")
public final class JobsCommand extends ClientCommand {

  JobsCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    List<String> jobs = new JobStates(connection().store()).summaries();
    if (jobs.isEmpty()) {
      out().println("no jobs");
    }
    jobs.forEach(out()::println);
    return ExitCodes.OK;
  }
}
