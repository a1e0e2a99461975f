package io.cyclegan.cli.local;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.CycleganCli;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.model.synthetic.SyntheticShapes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cyclegan demo}: the whole mission on the embedded default. It starts the local stack and
 * the three services, then drives them exactly as a user would, through this client's own commands
 * over Kafka and S3: upload a synthetic unpaired data set, train a small model with a training
 * command, translate held-out images, and measure the result against the known truth.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start the local stack and services, upload a synthetic data set over Kafka, train a small"
          + " model, translate held-out images and write everything to --out."
    })
public final class DemoCommand implements Callable<Integer> {
  static final String DATASET = "demo-shapes";
  static final String MODEL = "demo-shapes";

  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      defaultValue = "demo-out",
      description = "output folder (default ${DEFAULT-VALUE})")
  Path out;

  @Option(
      names = "--images",
      defaultValue = "200",
      description = "training images per domain (default ${DEFAULT-VALUE})")
  int images;

  @Option(
      names = "--test-images",
      defaultValue = "16",
      description = "held-out images to translate (default ${DEFAULT-VALUE})")
  int testImages;

  @Option(
      names = "--epochs",
      defaultValue = "5",
      description = "epochs at constant LR (default ${DEFAULT-VALUE})")
  int epochs;

  @Option(
      names = "--decay-epochs",
      defaultValue = "5",
      description = "epochs of linear LR decay (default ${DEFAULT-VALUE})")
  int decayEpochs;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "seed of the data set and the training (default ${DEFAULT-VALUE})")
  long seed;

  private final CliContext context;

  DemoCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter say = spec.commandLine().getOut();
    Instant started = Instant.now();
    Path data = out.resolve("data");
    Path outputs = out.resolve("outputs");
    Path report = out.resolve("report");
    deleteRecursively(out);
    Files.createDirectories(outputs);

    say.println("[1/6] starting the local stack (embedded Kafka + S3) and the three services");
    say.flush();
    try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Ports.ANY, null, true)) {
      LocalStack stack = pipeline.stack();
      List<String> connection = connection(stack);

      say.printf(
          Locale.ROOT,
          "[2/6] generating a synthetic unpaired data set in %s (%d A, %d B, %d held-out A, 32 px)%n",
          data,
          images,
          images,
          testImages);
      say.flush();
      new SyntheticShapes(32, seed).writeTo(data, images, images, testImages);

      say.println("[3/6] uploading it over Kafka (cyclegan.images.in) to dataset " + DATASET);
      say.flush();
      for (String domain : List.of("A", "B")) {
        int rc =
            run(
                args(
                    connection,
                    "dataset",
                    "upload",
                    DATASET,
                    "--domain",
                    domain,
                    data.resolve(domain).toString()));
        if (rc != ExitCodes.OK) {
          return fail(say, "uploading domain " + domain + " failed");
        }
      }

      String job = "demo-" + started.getEpochSecond();
      say.println(
          "[4/6] training job "
              + job
              + " with a training command (tiny CycleGAN, 32 px), following its events");
      say.flush();
      int trained =
          run(
              args(
                  connection,
                  "train",
                  "--job",
                  job,
                  "--model",
                  MODEL,
                  "--dataset",
                  DATASET,
                  "--image-size",
                  "32",
                  "--load-size",
                  "36",
                  // Translated at the images' own 32 px, so outputs line up with the truth
                  // (resize_and_crop would translate a centred crop of a 36 px resize).
                  "--preprocess",
                  "crop",
                  "--ngf",
                  "8",
                  "--ndf",
                  "8",
                  "--generator-blocks",
                  "2",
                  "--epochs",
                  "" + epochs,
                  "--decay-epochs",
                  "" + decayEpochs,
                  "--checkpoint-every",
                  "1",
                  "--seed",
                  "" + seed,
                  "--device",
                  "cpu",
                  "--follow",
                  "--follow-timeout",
                  "1800"));
      if (trained != ExitCodes.OK) {
        return fail(say, "training job " + job + " did not complete");
      }

      say.println("[5/6] translating " + testImages + " held-out images over Kafka");
      say.flush();
      List<String> translate =
          args(
              connection,
              "translate",
              "--model",
              MODEL,
              "--direction",
              "AtoB",
              "--out",
              outputs.toString(),
              "--timeout",
              "300");
      try (Stream<Path> files = Files.list(data.resolve("testA"))) {
        files.sorted().forEach(f -> translate.add(f.toString()));
      }
      if (run(translate) != ExitCodes.OK) {
        return fail(say, "translation failed");
      }

      say.println("[6/6] measuring and writing the summary");
      say.flush();
      copyJobOutputs(stack, job, report);
      DemoSummary summary =
          DemoSummary.measure(data.resolve("testA"), data.resolve("testB"), outputs);
      summary.writeGrid(out.resolve("grid.png"), 8);
      Duration took = Duration.between(started, Instant.now());
      summary.write(out.resolve("summary.json"), out.resolve("summary.txt"), job, took);

      say.println();
      say.print(Files.readString(out.resolve("summary.txt")));
      say.println();
      say.println("Look at:");
      say.println(
          "  "
              + out.resolve("grid.png")
              + "       input | output | truth, one row per held-out image");
      say.println(
          "  "
              + report.resolve("report.html")
              + "  loss curves and sample grids of the training job");
      say.println("  " + outputs + "/               every translated image");
      say.println(
          "  "
              + data
              + "/                  the synthetic data set (A, B, testA, and testB: the truth)");
      say.flush();
      return summary.beatsBaseline() ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }

  private int run(List<String> args) {
    CommandLine cli = CycleganCli.commandLine(context);
    cli.setOut(spec.commandLine().getOut());
    cli.setErr(spec.commandLine().getErr());
    return cli.execute(args.toArray(String[]::new));
  }

  private static List<String> connection(LocalStack stack) {
    return List.of(
        "--bootstrap-servers", stack.bootstrapServers(),
        "--s3-endpoint", stack.s3Endpoint(),
        "--s3-access-key", stack.accessKey(),
        "--s3-secret-key", stack.secretKey(),
        "--bucket", stack.bucket());
  }

  /** The subcommand words first, then the connection options (picocli wants them after it). */
  private static List<String> args(List<String> connection, String... words) {
    List<String> all = new ArrayList<>(List.of(words));
    // options must follow the (sub)subcommand name, positional files may follow them
    int firstOption = 0;
    while (firstOption < all.size() && !all.get(firstOption).startsWith("-")) {
      firstOption++;
    }
    all.addAll(firstOption, connection);
    return all;
  }

  /** The job's report, losses and sample grids, from the store to a local folder. */
  private static void copyJobOutputs(LocalStack stack, String job, Path target) throws IOException {
    ObjectStore store =
        new ObjectStore(
            S3Settings.of(
                stack.s3Endpoint(), stack.bucket(), stack.accessKey(), stack.secretKey()));
    String prefix = "jobs/" + job + "/";
    for (ObjectInfo o : store.list(prefix)) {
      Path file = target.resolve(o.key().substring(prefix.length()));
      Files.createDirectories(file.getParent());
      store.getToFile(o.key(), file);
    }
  }

  private static int fail(PrintWriter say, String what) {
    say.println("demo: " + what);
    say.flush();
    return ExitCodes.FAILED;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
