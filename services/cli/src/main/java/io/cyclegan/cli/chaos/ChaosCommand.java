package io.cyclegan.cli.chaos;

import io.cyclegan.cli.ExitCodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cyclegan chaos}, hidden: what {@code scripts/chaos.sh} runs. Prints one JSON line of
 * figures on stdout (progress goes to stderr and the run folder) and exits 0 only when the fault
 * model's promise held: nothing lost, no job failed or left unfinished, no error result.
 */
@Command(
    name = "chaos",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = {
      "Run the local stack and the three services as processes under a steady load while a"
          + " seeded random schedule of faults hits them; print one JSON line of figures."
    })
public final class ChaosCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--minutes",
      defaultValue = "10",
      description = "minutes of load and faults (default ${DEFAULT-VALUE})")
  double minutes;

  @Option(
      names = "--seed",
      description = "seed of the fault schedule (default: from the clock, printed)")
  Long seed;

  @Option(
      names = "--out",
      defaultValue = "chaos-out",
      description = "run folders go under it (default ${DEFAULT-VALUE})")
  Path out;

  @Option(
      names = "--rate",
      defaultValue = "2",
      description = "translation requests per second (default ${DEFAULT-VALUE})")
  double rate;

  @Option(
      names = "--drain-minutes",
      defaultValue = "5",
      description =
          "longest wait for outstanding results and jobs at the end (default ${DEFAULT-VALUE})")
  double drainMinutes;

  @Option(
      names = "--images",
      defaultValue = "60",
      description = "training images per domain (default ${DEFAULT-VALUE})")
  int images;

  @Option(
      names = "--job-every",
      defaultValue = "60",
      description = "seconds between the starts of training jobs (default ${DEFAULT-VALUE})")
  int jobEverySeconds;

  @Option(
      names = "--job-epochs",
      defaultValue = "10",
      description =
          "epochs at constant LR of each job, as many again of decay (default ${DEFAULT-VALUE})")
  int jobEpochs;

  @Override
  public Integer call() throws Exception {
    long s = seed != null ? seed : System.currentTimeMillis() % 1_000_000;
    ChaosOptions options =
        new ChaosOptions(
            Duration.ofMillis(Math.round(minutes * 60_000)),
            s,
            out,
            rate,
            Duration.ofMillis(Math.round(drainMinutes * 60_000)),
            images,
            Duration.ofSeconds(jobEverySeconds),
            jobEpochs);
    ChaosRun run = new ChaosRun(options);
    ChaosSummary summary = run.run();
    spec.commandLine().getOut().println(summary.toJsonLine());
    spec.commandLine().getOut().flush();
    System.err.println("chaos: run folder " + run.runDir());
    return summary.promiseKept() ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
