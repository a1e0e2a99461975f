package io.cyclegan.cli.local;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.PortInUseException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cyclegan up}: the local stack and all three services, in the foreground. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Run the embedded Kafka and S3 and all three services in this process, in the foreground,"
          + " until Ctrl-C.",
      "Listens on the well-known ports unless told otherwise; a port in use is an error naming it."
    })
public final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Kafka (default ${DEFAULT-VALUE})")
  int kafkaPort;

  @Option(names = "--s3-port", defaultValue = "9000", description = "S3 (default ${DEFAULT-VALUE})")
  int s3Port;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description = "the ingest HTTP API (default ${DEFAULT-VALUE})")
  int httpPort;

  @Option(
      names = "--metrics-ports",
      split = ",",
      defaultValue = "9464,9465,9466",
      paramLabel = "INGEST,TRAINING,INFERENCE",
      description = "/metrics of ingest, training, inference (default ${DEFAULT-VALUE})")
  int[] metricsPorts;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "keep Kafka's log, the objects and caches here (default: a temporary folder)")
  Path dataDir;

  @Option(
      names = "--no-auth",
      description =
          "serve the HTTP API without tokens (it listens on loopback only; anyone on this machine"
              + " may call it)")
  boolean noAuth;

  UpCommand(CliContext context) {}

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (metricsPorts.length != 3) {
      err.println("cyclegan up: --metrics-ports takes three ports: ingest,training,inference");
      return ExitCodes.USAGE;
    }
    LocalPipeline.Ports ports =
        new LocalPipeline.Ports(
            kafkaPort, s3Port, httpPort, metricsPorts[0], metricsPorts[1], metricsPorts[2]);
    LocalPipeline pipeline;
    try {
      pipeline = LocalPipeline.start(ports, dataDir, !noAuth);
    } catch (PortInUseException e) {
      err.println("cyclegan up: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  pipeline.close();
                  stopped.countDown();
                },
                "cyclegan-up-shutdown"));
    printEndpoints(out, pipeline);
    stopped.await();
    return ExitCodes.OK;
  }

  static void printEndpoints(PrintWriter out, LocalPipeline p) {
    LocalStack s = p.stack();
    out.println("CycleGAN pipeline is up (Ctrl-C stops it).");
    out.println();
    out.println("  Kafka bootstrap    " + s.bootstrapServers());
    out.println("  S3 endpoint        " + s.s3Endpoint() + "  bucket " + s.bucket());
    out.println(
        "  S3 credentials     access key " + s.accessKey() + ", secret key " + s.secretKey());
    out.println("  ingest HTTP API    http://127.0.0.1:" + p.httpPort());
    out.println(
        "  API token          "
            + p.apiToken().orElse("none (--no-auth: anyone on this machine may call the API)"));
    out.println(
        "  /metrics           ingest http://127.0.0.1:"
            + p.ingestMetricsPort()
            + "/metrics,"
            + " training http://127.0.0.1:"
            + p.trainingMetricsPort()
            + "/metrics,"
            + " inference http://127.0.0.1:"
            + p.inferenceMetricsPort()
            + "/metrics");
    out.println("  data               " + s.dataDir());
    out.println();
    out.println("Try:");
    out.println("  kcat -L -b " + s.bootstrapServers());
    out.println(
        "  curl "
            + p.apiToken().map(t -> "-H 'Authorization: Bearer " + t + "' ").orElse("")
            + "http://127.0.0.1:"
            + p.httpPort()
            + "/datasets");
    out.println("  scripts/cyclegan models");
    out.flush();
  }
}
