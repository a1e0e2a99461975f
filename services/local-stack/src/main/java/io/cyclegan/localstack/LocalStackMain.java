package io.cyclegan.localstack;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Runs the local stack in the foreground on the well-known ports (Kafka 127.0.0.1:9092, S3
 * 127.0.0.1:9000) and prints how to reach it, so that kcat, the AWS CLI or the services in other
 * processes can use it. Ctrl-C stops it.
 */
public final class LocalStackMain {

  /** Logback configuration used when the caller gave none (see {@link #main}). */
  static final String LOGBACK_CONFIG = "io/cyclegan/localstack/local-stack-logback.xml";

  private LocalStackMain() {}

  public static void main(String[] args) throws InterruptedException {
    // Before the first logger exists: without a configuration Logback logs everything at DEBUG.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
    }
    LocalStackOptions options;
    try {
      options = LocalStackOptions.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("local-stack: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(LocalStackOptions.USAGE);
      return;
    }
    LocalStack stack;
    try {
      stack = options.toStack().start();
    } catch (IllegalArgumentException | PortInUseException e) {
      System.err.println("local-stack: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("local-stack: stopping");
                  try {
                    stack.close();
                  } finally {
                    stopped.countDown();
                  }
                },
                "local-stack-shutdown"));
    printBanner(stack, options, System.out);
    stopped.await();
  }

  static void printBanner(LocalStack stack, LocalStackOptions options, PrintStream out) {
    String bootstrap = stack.bootstrapServers();
    String endpoint = stack.s3Endpoint();
    String dataDir =
        stack.dataDir() + (options.dataDir().isPresent() ? " (kept)" : " (deleted on exit)");
    String topics =
        stack.topics().stream()
            .map(t -> t.name() + "(" + t.partitions() + (t.compacted() ? ", compacted" : "") + ")")
            .collect(Collectors.joining(" "));
    out.printf(
        """
        cyclegan local stack is up (Ctrl-C to stop)

          Kafka bootstrap servers  %s
          S3 endpoint              %s  (path-style, region %s)
          S3 bucket                %s
          S3 access key            %s
          S3 secret key            %s
          data directory           %s
          topics                   %s

        For the services in other processes:
          export KAFKA_BOOTSTRAP_SERVERS=%s
          export S3_ENDPOINT=%s S3_REGION=%s S3_BUCKET=%s
          export S3_ACCESS_KEY=%s S3_SECRET_KEY=%s

        Try it:
          kcat -L -b %s
          AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s aws --endpoint-url %s --region %s s3 ls s3://%s
          mc alias set cyclegan-local %s %s %s && mc ls cyclegan-local/%s
        %n""",
        bootstrap,
        endpoint,
        stack.region(),
        stack.bucket(),
        stack.accessKey(),
        stack.secretKey(),
        dataDir,
        topics,
        bootstrap,
        endpoint,
        stack.region(),
        stack.bucket(),
        stack.accessKey(),
        stack.secretKey(),
        bootstrap,
        stack.accessKey(),
        stack.secretKey(),
        endpoint,
        stack.region(),
        stack.bucket(),
        endpoint,
        stack.accessKey(),
        stack.secretKey(),
        stack.bucket());
    out.flush();
  }
}
