package io.cyclegan.cli.admin;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.common.config.MessageSizes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Creates the pipeline's topics, leaving existing ones as they are, so it can run on every
 * deployment (the Helm chart's hook runs exactly this). It waits for the cluster up to {@code
 * --timeout}, since a hook may start before the brokers are ready. The images topic and the
 * dead-letter topics get the {@code max.message.bytes} that {@code CYCLEGAN_MAX_IMAGE_BYTES} calls
 * for ({@link MessageSizes}).
 */
@Command(
    name = "create-topics",
    mixinStandardHelpOptions = true,
    description = "Create the pipeline's topics and their dead-letter topics; skip existing ones.")
public final class CreateTopicsCommand extends ClientCommand {
  private static final long RETRY_EVERY_MS = 1000;

  @Option(
      names = "--partitions",
      defaultValue = "3",
      paramLabel = "N",
      description = "partitions of each topic (default: ${DEFAULT-VALUE})")
  int partitions;

  @Option(
      names = "--dlq-partitions",
      defaultValue = "1",
      paramLabel = "N",
      description = "partitions of each dead-letter topic (default: ${DEFAULT-VALUE})")
  int dlqPartitions;

  @Option(
      names = "--replication-factor",
      paramLabel = "N",
      description = "replicas of each partition (default: the broker's default.replication.factor)")
  Short replicationFactor;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description = "how long to wait for the cluster (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  CreateTopicsCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    if (api().isPresent()) {
      // By design, not a missing endpoint: creating topics is an operator's action on the broker,
      // and the API's callers (tokens with scopes) never administer Kafka.
      throw new IllegalStateException(
          "'admin create-topics' does not work over the HTTP API, by design: creating topics is"
              + " an operator's action on the Kafka broker, which the API does not expose; run it"
              + " with Kafka access (without --api or a profile)");
    }
    if (partitions < 1 || dlqPartitions < 1) {
      throw new IllegalArgumentException("--partitions and --dlq-partitions must be at least 1");
    }
    if (replicationFactor != null && replicationFactor < 1) {
      throw new IllegalArgumentException("--replication-factor must be at least 1");
    }
    Connection connection = connection();
    List<NewTopic> plan =
        TopicPlan.of(
            connection.topics(),
            partitions,
            dlqPartitions,
            Optional.ofNullable(replicationFactor),
            MessageSizes.fromEnv(context.env()));
    try (AdminClient admin = connection.admin()) {
      Set<String> existing = existingTopics(admin, Duration.ofSeconds(timeoutSeconds));
      List<NewTopic> missing = plan.stream().filter(t -> !existing.contains(t.name())).toList();
      plan.stream()
          .filter(t -> existing.contains(t.name()))
          .forEach(t -> out().println("exists  " + t.name()));
      Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
      int failures = 0;
      for (NewTopic topic : missing) {
        try {
          results.get(topic.name()).get(timeoutSeconds, TimeUnit.SECONDS);
          out().println("created " + describe(topic));
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TopicExistsException) {
            out().println("exists  " + topic.name()); // created by someone else meanwhile
          } else {
            failures++;
            err().println("failed  " + topic.name() + ": " + e.getCause().getMessage());
          }
        }
      }
      return failures == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }

  private Set<String> existingTopics(AdminClient admin, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return admin.listTopics().names().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "cannot list the topics of the cluster at "
                  + connection().kafka().bootstrapServers()
                  + " (--bootstrap-servers or KAFKA_BOOTSTRAP_SERVERS): "
                  + e.getCause().getMessage(),
              e.getCause());
        }
        err().println("waiting for the cluster: " + e.getCause().getMessage());
        // Waiting for a cluster that is still starting: no event to wait on.
        TimeUnit.MILLISECONDS.sleep(RETRY_EVERY_MS);
      }
    }
  }

  private static String describe(NewTopic topic) {
    String policy = topic.configs().get("cleanup.policy");
    return topic.name()
        + " ("
        + topic.numPartitions()
        + " partitions"
        + ("compact".equals(policy) ? ", compacted" : "")
        + ")";
  }
}
