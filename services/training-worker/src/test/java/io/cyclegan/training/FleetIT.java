package io.cyclegan.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.localstack.ServiceProcess;
import io.cyclegan.training.TrainingFixture.ReceivedEvent;
import io.cyclegan.training.job.JobState;
import io.cyclegan.training.job.JobStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17 part 2: three training workers, each in a JVM of its own (one trainer per JVM), share
 * the jobs whatever partition their commands land on, a killed worker's job moves, and no job ever
 * runs on two workers at once.
 */
@ExtendWith(LocalStackExtension.class)
class FleetIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private TrainingFixture fixture;

  @BeforeEach
  void setUp(LocalStack stack) throws Exception {
    fixture = new TrainingFixture(stack);
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void shouldRunThreeJobsOfOnePartitionAtOnceAndMoveAKilledWorkersJobWithoutOverlap()
      throws Exception {
    String dataset = fixture.name("fleet");
    fixture.seedDataset(dataset, 6);
    List<String> jobs = jobsOnOnePartition(3);
    Map<String, ServiceProcess> workers = new LinkedHashMap<>();
    try (ServiceProcess f1 = fixture.process("f1").start();
        ServiceProcess f2 = fixture.process("f2").start();
        ServiceProcess f3 = fixture.process("f3").start()) {
      workers.put(fixture.name("f1"), f1);
      workers.put(fixture.name("f2"), f2);
      workers.put(fixture.name("f3"), f3);
      for (ServiceProcess p : workers.values()) {
        p.awaitLog("in group", Duration.ofSeconds(90));
      }
      for (int i = 0; i < jobs.size(); i++) {
        fixture.send(
            TrainingCommand.start(jobs.get(i), fixture.name("fleet-m" + i), dataset, params()));
      }

      // All three run at once, each on a worker of its own: the first is still running, under
      // the same lease, after the third was seen running.
      await()
          .atMost(TIMEOUT)
          .ignoreException(NoSuchElementException.class) // no state.json yet
          .untilAsserted(
              () -> {
                List<JobState> states = jobs.stream().map(fixture::state).toList();
                assertThat(states).extracting(JobState::state).containsOnly(JobStatus.running);
                assertThat(states).extracting(JobState::worker).doesNotHaveDuplicates();
                JobState firstAgain = fixture.state(jobs.get(0));
                assertThat(firstAgain.state()).isEqualTo(JobStatus.running);
                assertThat(firstAgain.leaseEpoch()).isEqualTo(states.get(0).leaseEpoch());
              });

      String victimJob = jobs.get(0);
      JobState beforeKill = fixture.state(victimJob);
      String victim = beforeKill.worker();
      workers.get(victim).kill();

      await()
          .atMost(TIMEOUT)
          .untilAsserted(
              () ->
                  assertThat(jobs.stream().map(fixture::state).map(JobState::state))
                      .containsOnly(JobStatus.completed));
      JobState moved = fixture.state(victimJob);
      assertThat(moved.worker())
          .as("worker that finished the killed one's job")
          .isNotEqualTo(victim);
      assertThat(moved.leaseEpoch()).isGreaterThan(beforeKill.leaseEpoch());
      for (String job : jobs) {
        assertThat(runs(job))
            .as("workers that ran %s, in event order", job)
            .doesNotHaveDuplicates();
      }
      assertThat(runs(victimJob)).hasSizeGreaterThanOrEqualTo(2).startsWith(source(victim));
    }
  }

  /** The tiny network for enough epochs that three jobs overlap on a shared machine. */
  private static Map<String, Object> params() {
    Map<String, Object> p = TrainingFixture.tinyParams(7, 1);
    p.put("checkpointEvery", 2);
    return p;
  }

  /**
   * The sources of the events a run of the job sends (all but {@code accepted}, which comes from
   * whichever worker read the command), in order, with repeats of the same source folded into one:
   * a job that ran on two workers at once would show a source again after another one.
   */
  private List<String> runs(String jobId) {
    List<String> runs = new ArrayList<>();
    for (ReceivedEvent e : fixture.events(jobId)) {
      if (e.type() == TrainingEvent.Type.accepted) {
        continue;
      }
      String source = e.headers().get(Headers.CE_SOURCE);
      if (runs.isEmpty() || !Objects.equals(runs.get(runs.size() - 1), source)) {
        runs.add(source);
      }
    }
    return runs;
  }

  private static String source(String instanceId) {
    return "/cyclegan/training/" + instanceId;
  }

  /** Job ids whose keys the default partitioner puts on the same partition of the 3. */
  private List<String> jobsOnOnePartition(int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; out.size() < count; i++) {
      String id = fixture.name("fleet-job-" + i);
      if (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 3 == 0) {
        out.add(id);
      }
    }
    return out;
  }
}
