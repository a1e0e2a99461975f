package io.cyclegan.model.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

class EngineThreadsTest {

  /** Runs {@code body} on a new thread and puts libtorch's count back afterwards. */
  private static <T> T onFreshThread(Callable<T> body) throws Exception {
    FutureTask<T> task =
        new FutureTask<>(
            () -> {
              int before = EngineThreads.intraOp();
              try {
                return body.call();
              } finally {
                EngineThreads.useIntraOp(before);
              }
            });
    Thread thread = new Thread(task, "engine-threads-test");
    thread.start();
    return task.get();
  }

  /**
   * On a new thread given four threads, as libtorch would choose on a 4-core node whatever the
   * container's CPU quota (the module's tests run libtorch on one, pom.xml): what {@code fit}
   * returns, and the count in effect after it.
   */
  private static int[] fitFromFour(int processors, boolean operatorChose) throws Exception {
    return onFreshThread(
        () -> {
          EngineThreads.useIntraOp(4);
          return new int[] {EngineThreads.fit(processors, operatorChose), EngineThreads.intraOp()};
        });
  }

  @Test
  void shouldLowerLibtorchsCountToTheProcessorsTheJvmMayUse() throws Exception {
    assertThat(fitFromFour(2, false)).containsExactly(2, 2);
  }

  @Test
  void shouldNeverRaiseLibtorchsCount() throws Exception {
    assertThat(fitFromFour(16, false)).containsExactly(4, 4);
  }

  @Test
  void shouldKeepTheCountAnOperatorChose() throws Exception {
    assertThat(fitFromFour(2, true)).containsExactly(4, 4);
  }

  @Test
  void shouldTakeTheEnvironmentOrDjlsPropertyAsTheOperatorsChoice() {
    Properties none = new Properties();
    Properties djl = new Properties();
    djl.setProperty("ai.djl.pytorch.num_threads", "3");

    assertThat(EngineThreads.operatorChose(Map.of(), none)).isFalse();
    assertThat(EngineThreads.operatorChose(Map.of("OMP_NUM_THREADS", " "), none)).isFalse();
    assertThat(EngineThreads.operatorChose(Map.of("OMP_NUM_THREADS", "4"), none)).isTrue();
    assertThat(EngineThreads.operatorChose(Map.of("MKL_NUM_THREADS", "4"), none)).isTrue();
    assertThat(EngineThreads.operatorChose(Map.of(), djl)).isTrue();
  }

  private static final double SMALL_STEP = EngineThreads.ONE_THREAD_BELOW_STEP_FLOPS_SPINNING / 2;
  private static final double MEDIUM_STEP =
      (EngineThreads.ONE_THREAD_BELOW_STEP_FLOPS_SPINNING
              + EngineThreads.ONE_THREAD_BELOW_STEP_FLOPS_SLEEPING)
          / 2;
  private static final double LARGE_STEP = EngineThreads.ONE_THREAD_BELOW_STEP_FLOPS_SLEEPING * 2;

  /**
   * On a new thread given four threads: the count {@code forTrainingSteps} reports, the count in
   * effect while its scope is open, the count after it closed, and the count a thread started after
   * that runs (libtorch's default for new threads).
   */
  private static int[] trainingStepsFromFour(
      Device device, double stepFlops, int processors, boolean operatorChose, boolean sleep)
      throws Exception {
    return onFreshThread(
        () -> {
          EngineThreads.useIntraOp(4);
          int reported;
          int during;
          try (EngineThreads.Scope scope =
              EngineThreads.forTrainingSteps(device, stepFlops, processors, operatorChose, sleep)) {
            reported = scope.threads();
            during = EngineThreads.intraOp();
          }
          int after = EngineThreads.intraOp();
          int later = onFreshThread(EngineThreads::intraOp);
          return new int[] {reported, during, after, later};
        });
  }

  @Test
  void shouldTrainASmallStepOnTheCpuOnOneThreadAndPutTheCountBack() throws Exception {
    assertThat(trainingStepsFromFour(Device.cpu(), SMALL_STEP, 16, false, false))
        .containsExactly(1, 1, 4, 4);
    assertThat(trainingStepsFromFour(Device.cpu(), SMALL_STEP, 16, false, true))
        .containsExactly(1, 1, 4, 4);
  }

  @Test
  void shouldTrainAMediumStepOnOneThreadOnlyWhereThreadsSleepBetweenOperations() throws Exception {
    assertThat(trainingStepsFromFour(Device.cpu(), MEDIUM_STEP, 16, false, true))
        .containsExactly(1, 1, 4, 4);
    assertThat(trainingStepsFromFour(Device.cpu(), MEDIUM_STEP, 2, false, false))
        .containsExactly(2, 2, 4, 4);
  }

  @Test
  void shouldFitALargeStepToTheProcessorsAndPutTheCountBack() throws Exception {
    assertThat(trainingStepsFromFour(Device.cpu(), LARGE_STEP, 2, false, true))
        .containsExactly(2, 2, 4, 4);
  }

  @Test
  void shouldNotNarrowASmallStepOnAGpu() throws Exception {
    assertThat(trainingStepsFromFour(Device.gpu(), SMALL_STEP, 16, false, true))
        .containsExactly(4, 4, 4, 4);
  }

  @Test
  void shouldKeepTheOperatorsCountForASmallStep() throws Exception {
    assertThat(trainingStepsFromFour(Device.cpu(), SMALL_STEP, 16, true, true))
        .containsExactly(4, 4, 4, 4);
  }

  @Test
  void shouldTellWhetherLibgompsThreadsSleepAtOnce() {
    assertThat(EngineThreads.threadsSleep(Map.of())).isFalse();
    assertThat(EngineThreads.threadsSleep(Map.of("OMP_WAIT_POLICY", "PASSIVE"))).isTrue();
    assertThat(EngineThreads.threadsSleep(Map.of("OMP_WAIT_POLICY", "active"))).isFalse();
    // GOMP_SPINCOUNT takes precedence over the policy.
    assertThat(
            EngineThreads.threadsSleep(
                Map.of("OMP_WAIT_POLICY", "passive", "GOMP_SPINCOUNT", "10000")))
        .isFalse();
    assertThat(EngineThreads.threadsSleep(Map.of("GOMP_SPINCOUNT", "0"))).isTrue();
  }

  @Test
  void shouldRefuseNoProcessors() {
    assertThatThrownBy(() -> EngineThreads.fit(0, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
