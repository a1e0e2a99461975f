package io.cyclegan.common.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QueueSnapshotsTest {
  private static final String HEAD =
      "{\"schema\":\"cyclegan.training.queue/v1\",\"updatedAt\":\"2026-12-01T07:00:00Z\",";

  private static QueueSnapshot parse(String json) {
    return QueueSnapshots.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldGiveEachJobItsPlaceWhenTheSnapshotIsValid() {
    QueueSnapshot s =
        parse(
            HEAD
                + "\"waiting\":[{\"jobId\":\"a\",\"position\":1,\"queuedAt\":\"2026-12-01T06:00:00Z\"},"
                + "{\"jobId\":\"b\",\"position\":2}],"
                + "\"running\":[{\"jobId\":\"c\",\"worker\":\"training-0\",\"leaseEpoch\":3}],"
                + "\"future\":true}");

    var places = QueueSnapshots.places(s);

    assertThat(places.get("a").text()).isEqualTo("queued 1/2");
    assertThat(places.get("b").text()).isEqualTo("queued 2/2");
    assertThat(places.get("c").text()).isEqualTo("on training-0");
    assertThat(places.get("c").leaseEpoch()).isEqualTo(3L);
    assertThat(places.get("c").asOf()).isEqualTo(s.updatedAt());
    assertThat(places).doesNotContainKey("d");
  }

  @Test
  void shouldRefuseASnapshotWhoseEntriesBreakTheRules() {
    String[] bad = {
      "not json",
      "[]",
      "{\"schema\":\"cyclegan.training.queue/v2\",\"updatedAt\":\"2026-12-01T07:00:00Z\"}",
      "{\"schema\":\"cyclegan.training.queue/v1\"}",
      HEAD + "\"waiting\":[{\"jobId\":\"../x\",\"position\":1}]}",
      HEAD + "\"waiting\":[{\"jobId\":\"a\",\"position\":2}]}",
      HEAD + "\"waiting\":[{\"jobId\":\"a\",\"position\":1},{\"jobId\":\"a\",\"position\":2}]}",
      HEAD + "\"waiting\":[null]}",
      HEAD + "\"running\":[{\"jobId\":\"a\",\"worker\":\"w\\r\\nINFO x\",\"leaseEpoch\":1}]}",
      HEAD + "\"running\":[{\"jobId\":\"a\",\"leaseEpoch\":1}]}",
      HEAD + "\"running\":[{\"jobId\":\"a\",\"worker\":\"w\",\"leaseEpoch\":-1}]}",
    };
    for (String json : bad) {
      assertThatThrownBy(() -> parse(json)).as(json).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
