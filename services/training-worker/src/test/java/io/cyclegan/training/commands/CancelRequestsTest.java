package io.cyclegan.training.commands;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CancelRequestsTest {

  @Test
  void shouldApplyCancelWhenItFollowsStartOnSamePartition() {
    CancelRequests requests = new CancelRequests();
    requests.record("j1", 1, 10, 1_000);
    assertThat(requests.isRequested("j1", 1, 9, 2_000)).isTrue();
    assertThat(requests.isRequested("j1", 1, 11, 0)).as("cancel older than the start").isFalse();
    assertThat(requests.isRequested("j2", 1, 9, 0)).isFalse();
  }

  @Test
  void shouldCompareTimestampsWhenCancelIsOnAnotherPartition() {
    CancelRequests requests = new CancelRequests();
    requests.record("j1", 0, 3, 5_000);
    assertThat(requests.isRequested("j1", 2, 100, 4_000)).isTrue();
    assertThat(requests.isRequested("j1", 2, 100, 6_000)).isFalse();
  }

  @Test
  void shouldForgetOldestJobsWhenFull() {
    CancelRequests requests = new CancelRequests();
    for (int i = 0; i <= CancelRequests.MAX_JOBS; i++) {
      requests.record("j" + i, 0, i, i);
    }
    assertThat(requests.isRequested("j0", 0, -1, 0)).isFalse();
    assertThat(requests.isRequested("j" + CancelRequests.MAX_JOBS, 0, -1, 0)).isTrue();
  }
}
