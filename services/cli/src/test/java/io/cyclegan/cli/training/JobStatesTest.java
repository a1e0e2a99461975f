package io.cyclegan.cli.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobStatesTest {

  @Test
  void shouldShowTheQueuePlaceWhenANewerApiAddsFieldsToIt() {
    Map<String, Object> queue = new LinkedHashMap<>();
    queue.put("status", "waiting");
    queue.put("position", 2);
    queue.put("waiting", 5);
    queue.put("estimatedStart", "2026-12-02T01:00:00Z"); // a field this CLI does not know
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("jobId", "job-1");
    job.put("state", "queued");
    job.put("queue", queue);

    assertThat(JobStates.apiRow(job))
        .containsEntry("id", "job-1")
        .containsEntry("place", "queued 2/5");
  }

  @Test
  void shouldShowTheRowWithoutAPlaceItCannotRead() {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("jobId", "job-2");
    job.put("state", "queued");
    job.put("queue", Map.of("position", "second"));

    assertThat(JobStates.apiRow(job)).containsEntry("id", "job-2").containsEntry("place", null);
  }
}
