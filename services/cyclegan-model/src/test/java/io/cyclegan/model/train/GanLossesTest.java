package io.cyclegan.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cyclegan.model.CycleGanConfig;
import org.junit.jupiter.api.Test;

class GanLossesTest {

  @Test
  void shouldBePlainMeanSquaredErrorWhenLsgan() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(new float[] {0.5f, 2f, -1f, 1f});
      // ((0.5-1)^2 + (2-1)^2 + (-1-1)^2 + 0) / 4 = (0.25 + 1 + 4) / 4
      assertThat(GanLosses.lsgan(p, 1f).getFloat()).isCloseTo(1.3125f, within(1e-6f));
      // (0.25 + 4 + 1 + 1) / 4
      assertThat(GanLosses.lsgan(p, 0f).getFloat()).isCloseTo(1.5625f, within(1e-6f));
    }
  }

  @Test
  void shouldKeepGradientScaleWhenGarbageCollectedBeforeBackward() {
    // The scale factor must outlive Java's garbage collection until backward (DJL's
    // mul(Number) does not guarantee that: its scalar lives in a freed Java buffer).
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new float[] {1f, 2f});
      x.setRequiresGradient(true);
      try (ai.djl.training.GradientCollector gc =
          ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        NDArray y = GanLosses.scaled(x, 3f).sum();
        for (int i = 0; i < 3; i++) {
          System.gc();
          java.nio.ByteBuffer junk = java.nio.ByteBuffer.allocateDirect(4096);
          while (junk.hasRemaining()) {
            junk.put((byte) 0x7F);
          }
        }
        gc.backward(y);
      }
      assertThat(x.getGradient().toFloatArray()).containsExactly(3f, 3f);
    }
  }

  @Test
  void shouldBeMeanAbsoluteErrorWhenL1() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {1f, -1f, 0.5f, 0f});
      NDArray b = m.create(new float[] {0f, 1f, 0.5f, -0.25f});
      // (1 + 2 + 0 + 0.25) / 4
      assertThat(GanLosses.l1(a, b).getFloat()).isCloseTo(0.8125f, within(1e-6f));
    }
  }

  @Test
  void shouldHalveSumOfRealAndFakeTermsWhenDiscriminatorLoss() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray real = m.create(new float[] {1f, 0f}); // MSE vs 1: (0 + 1) / 2 = 0.5
      NDArray fake = m.create(new float[] {1f, 0.5f}); // MSE vs 0: (1 + 0.25) / 2 = 0.625
      assertThat(GanLosses.discriminator(real, fake).getFloat())
          .isCloseTo(0.5f * (0.5f + 0.625f), within(1e-6f));
    }
  }

  @Test
  void shouldWeightCycleAndIdentityTermsWhenGeneratorStep() {
    // A generator step on 32 px images, then every reported term recomputed by hand from the
    // same networks: the weights are lambdaCycle for cycles, lambdaCycle * lambdaIdentity for
    // identities, and the adversarial terms are MSE against 1.
    CycleGanConfig config =
        CycleGanConfig.builder()
            .optImageSize(32)
            .optNgf(4)
            .optNdf(4)
            .optGeneratorBlocks(1)
            .optLambdaCycle(7)
            .optLambdaIdentity(0.25)
            .optDevice("cpu")
            .build();
    try (NDManager m = NDManager.newBaseManager();
        CycleGanModel model = new CycleGanModel(m, config);
        NDManager step = m.newSubManager()) {
      NDArray a = step.randomUniform(-1, 1, new Shape(1, 3, 32, 32));
      NDArray b = step.randomUniform(-1, 1, new Shape(1, 3, 32, 32));
      float[] expected = handComputedGeneratorTerms(model, a, b, 7f, 7f * 0.25f);
      CycleGanModel.GeneratorStep g = model.generatorStep(step, a, b, 0.0);
      assertThat(g.ganA().getFloat()).isCloseTo(expected[0], within(1e-5f));
      assertThat(g.ganB().getFloat()).isCloseTo(expected[1], within(1e-5f));
      assertThat(g.cycleA().getFloat()).isCloseTo(expected[2], within(1e-4f));
      assertThat(g.cycleB().getFloat()).isCloseTo(expected[3], within(1e-4f));
      assertThat(g.idtA().getFloat()).isCloseTo(expected[4], within(1e-4f));
      assertThat(g.idtB().getFloat()).isCloseTo(expected[5], within(1e-4f));
    }
  }

  /** The six generator terms from host arrays, with the networks' forwards as the only ops. */
  private static float[] handComputedGeneratorTerms(
      CycleGanModel model, NDArray a, NDArray b, float lambdaCycle, float lambdaIdt) {
    var gA = model.generatorA();
    var gB = model.generatorB();
    float[] fakeB = gA.forward(a).toFloatArray();
    float[] fakeA = gB.forward(b).toFloatArray();
    float[] recA = gB.forward(gA.forward(a)).toFloatArray();
    float[] recB = gA.forward(gB.forward(b)).toFloatArray();
    float[] idtA = gA.forward(b).toFloatArray();
    float[] idtB = gB.forward(a).toFloatArray();
    float[] dFakeB = model.discriminatorA().forward(gA.forward(a)).toFloatArray();
    float[] dFakeA = model.discriminatorB().forward(gB.forward(b)).toFloatArray();
    assertThat(fakeB).hasSameSizeAs(fakeA);
    return new float[] {
      mseToOne(dFakeB),
      mseToOne(dFakeA),
      lambdaCycle * meanAbs(recA, a.toFloatArray()),
      lambdaCycle * meanAbs(recB, b.toFloatArray()),
      lambdaIdt * meanAbs(idtA, b.toFloatArray()),
      lambdaIdt * meanAbs(idtB, a.toFloatArray())
    };
  }

  private static float mseToOne(float[] p) {
    double s = 0;
    for (float v : p) {
      s += (v - 1) * (v - 1);
    }
    return (float) (s / p.length);
  }

  private static float meanAbs(float[] x, float[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += Math.abs(x[i] - y[i]);
    }
    return (float) (s / x.length);
  }
}
