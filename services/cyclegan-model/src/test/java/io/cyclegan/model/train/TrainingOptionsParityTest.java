package io.cyclegan.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GAN losses, LR policies and weight initialisations match the official definitions, as PyTorch
 * 1.13 computed them (scripts/interop/make_training_fixtures.py made the fixture).
 */
class TrainingOptionsParityTest {
  private static JsonObject fixture;

  @BeforeAll
  static void readFixture() throws IOException {
    try (InputStream in =
        TrainingOptionsParityTest.class.getResourceAsStream("/interop/training-options.json")) {
      fixture =
          JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
              .getAsJsonObject();
    }
  }

  @Test
  void shouldComputeEachGanLossAsTheOfficialGanLoss() {
    JsonObject losses = fixture.getAsJsonObject("losses");
    Shape shape = shape(losses.getAsJsonArray("shape"));
    for (GanMode mode : new GanMode[] {GanMode.LSGAN, GanMode.VANILLA}) {
      JsonObject expected = losses.getAsJsonObject(mode.wireName());
      try (NDManager m = NDManager.newBaseManager()) {
        NDArray real = m.create(doubles(losses.getAsJsonArray("predictionOnReal")), shape);
        NDArray fake = m.create(doubles(losses.getAsJsonArray("predictionOnFake")), shape);
        fake.setRequiresGradient(true);
        NDArray generator;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          generator = GanLosses.adversarial(mode, fake, true);
          gc.backward(generator);
        }
        assertThat(generator.getDouble())
            .as("%s generator loss", mode)
            .isCloseTo(expected.get("generator").getAsDouble(), within(1e-12));
        assertThat(fake.getGradient().toDoubleArray())
            .as("%s gradient", mode)
            .containsExactly(doubles(expected.getAsJsonArray("generatorGradient")), within(1e-12));
        assertThat(GanLosses.discriminator(mode, real, fake.stopGradient()).getDouble())
            .as("%s discriminator loss", mode)
            .isCloseTo(expected.get("discriminator").getAsDouble(), within(1e-12));
      }
    }
  }

  @Test
  void shouldScheduleEachLrPolicyAsTheOfficialScheduler() {
    JsonObject schedules = fixture.getAsJsonObject("schedules");
    JsonObject o = schedules.getAsJsonObject("options");
    double lr = o.get("lr").getAsDouble();
    for (LrPolicy policy : LrPolicy.values()) {
      LearningRateSchedule schedule =
          new LearningRateSchedule(
              policy,
              o.get("n_epochs").getAsInt(),
              o.get("n_epochs_decay").getAsInt(),
              o.get("lr_decay_iters").getAsInt());
      double[] expected = doubles(schedules.getAsJsonArray(policy.wireName()));
      for (int e = 0; e < expected.length; e++) {
        assertThat(schedule.rate(lr, e))
            .as("%s at epoch %d", policy, e)
            .isCloseTo(expected[e], within(1e-15));
      }
    }
  }

  @Test
  void shouldDrawEachInitTypeWithTheOfficialStandardDeviation() {
    JsonObject init = fixture.getAsJsonObject("init");
    double gain = init.get("gain").getAsDouble();
    JsonArray shapes = init.getAsJsonArray("shapes");
    for (InitType type : InitType.values()) {
      JsonArray stds = init.getAsJsonArray(type.wireName());
      for (int i = 0; i < shapes.size(); i++) {
        Shape shape = shape(shapes.get(i).getAsJsonArray());
        double expected = stds.get(i).getAsJsonObject().get("expected").getAsDouble();
        float[] w = WeightInit.values(type, gain, shape, new SplittableRandom(i));
        assertThat(std(w)).as("%s %s", type, shape).isCloseTo(expected, within(expected * 0.05));
      }
    }
  }

  @Test
  void shouldMakeOrthogonalRowsOfNormGain() {
    float[] w = WeightInit.orthogonal(8, 20, 0.5, new SplittableRandom(3));
    for (int a = 0; a < 8; a++) {
      for (int b = 0; b < 8; b++) {
        double dot = 0;
        for (int j = 0; j < 20; j++) {
          dot += (double) w[a * 20 + j] * w[b * 20 + j];
        }
        assertThat(dot).isCloseTo(a == b ? 0.25 : 0, within(1e-5));
      }
    }
  }

  private static double std(float[] v) {
    double mean = 0;
    for (float x : v) {
      mean += x;
    }
    mean /= v.length;
    double sq = 0;
    for (float x : v) {
      sq += (x - mean) * (x - mean);
    }
    return Math.sqrt(sq / (v.length - 1));
  }

  private static Shape shape(JsonArray a) {
    long[] dims = new long[a.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = a.get(i).getAsLong();
    }
    return new Shape(dims);
  }

  private static double[] doubles(JsonArray a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsDouble();
    }
    return out;
  }
}
