package io.cyclegan.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LivenessTest {

  @Test
  void shouldReportALoopThatEndsByAnExceptionDeadAndTellOnce() {
    List<String> deaths = new ArrayList<>();
    Liveness liveness = new Liveness().onDeath(deaths::add);

    liveness
        .guard(
            "command-loop",
            () -> {
              throw new IllegalStateException("bug");
            })
        .run();
    liveness.died("command-loop", new IllegalStateException("again"));

    assertThat(liveness.healthy()).isFalse();
    assertThat(liveness.deadLoops()).containsEntry("command-loop", "IllegalStateException");
    assertThat(deaths).containsExactly("command-loop");
  }

  @Test
  void shouldReportAnErrorToo() throws Exception {
    Liveness liveness = new Liveness();

    Thread t =
        liveness.thread(
            "model-thread",
            () -> {
              throw new OutOfMemoryError("Java heap space");
            });
    t.start();
    t.join();

    assertThat(liveness.reason("model-thread")).hasValue("OutOfMemoryError");
  }

  @Test
  void shouldStayHealthyWhileLoopsReturnNormally() {
    Liveness liveness = new Liveness();

    liveness.guard("watcher", () -> {}).run();

    assertThat(liveness.healthy()).isTrue();
  }
}
