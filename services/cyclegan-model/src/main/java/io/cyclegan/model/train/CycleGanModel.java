package io.cyclegan.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.SplitMix64;
import io.cyclegan.model.nn.Network;
import io.cyclegan.model.nn.NetworkFactory;
import io.cyclegan.model.nn.NetworkSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The four networks, two optimizers, two image pools and the pool's random stream of one CycleGAN,
 * and its training step. The naming follows the reference: G_A maps A to B and D_A judges B; G_B
 * maps B to A and D_B judges A.
 *
 * <p>Not thread-safe. Training must run on one thread (libtorch's gradient mode is per thread, and
 * DJL allows one gradient collector per JVM at a time).
 */
public final class CycleGanModel implements AutoCloseable {

  private static final double BETA2 = 0.999;

  private final CycleGanConfig config;
  private final NetworkSpec spec;
  private final NDManager manager;
  private final Network generatorA;
  private final Network generatorB;
  private final Network discriminatorA;
  private final Network discriminatorB;
  private final NamedAdam optimizerG;
  private final NamedAdam optimizerD;
  private final ImagePool poolA;
  private final ImagePool poolB;
  private SplitMix64 poolRandom;

  /** Creates and initialises the networks from {@code config.seed()} under {@code parent}. */
  public CycleGanModel(NDManager parent, CycleGanConfig config) {
    this(parent, config, NetworkSpec.of(config));
  }

  /**
   * Creates the networks {@code spec} names (its widths and blocks win over the config's) and
   * initialises them from {@code config.seed()}.
   */
  public CycleGanModel(NDManager parent, CycleGanConfig config, NetworkSpec spec) {
    this.config = config;
    this.spec = spec;
    this.manager = parent.newSubManager();
    manager.setName("cyclegan");
    generatorA = NetworkFactory.generatorA(manager, "G_A", spec);
    generatorB = NetworkFactory.generatorB(manager, "G_B", spec);
    discriminatorA = NetworkFactory.discriminatorA(manager, "D_A", spec);
    discriminatorB = NetworkFactory.discriminatorB(manager, "D_B", spec);
    long seed = config.seed();
    Network.WeightFill fill = WeightInit.of(config.initType(), config.initGain());
    generatorA.initialize(seed * 4, fill, config.initGain());
    generatorB.initialize(seed * 4 + 1, fill, config.initGain());
    discriminatorA.initialize(seed * 4 + 2, fill, config.initGain());
    discriminatorB.initialize(seed * 4 + 3, fill, config.initGain());
    for (Network n : new Network[] {generatorA, generatorB, discriminatorA, discriminatorB}) {
      n.setTrainable(true);
    }
    optimizerG = new NamedAdam(manager, config.beta1(), BETA2);
    optimizerD = new NamedAdam(manager, config.beta1(), BETA2);
    poolA = new ImagePool(manager, config.poolSize());
    poolB = new ImagePool(manager, config.poolSize());
    poolRandom = SplitMix64.forItem(seed, 3);
  }

  /**
   * One CycleGAN step on a batch, in the reference order: generators (discriminators frozen), then
   * both discriminators on pooled, detached fakes. Every temporary is attached to {@code step},
   * which the caller closes.
   *
   * @param step the per-step manager (on the model's device)
   * @param realA (N, 3, S, S) images of A in [-1, 1], attached to {@code step}
   * @param realB the same for B
   * @param lr the learning rate for this epoch
   * @param readLosses whether to copy the losses to the host (a device synchronisation)
   * @return the losses, or null when not read
   */
  public LossValues trainStep(
      NDManager step, NDArray realA, NDArray realB, double lr, boolean readLosses) {
    GeneratorStep g = generatorStep(step, realA, realB, lr);
    NDArray[] d = discriminatorStep(step, realA, realB, g, lr);
    if (!readLosses) {
      return null;
    }
    return new LossValues(
        d[0].getFloat(),
        g.ganA().getFloat(),
        g.cycleA().getFloat(),
        g.idtA().getFloat(),
        d[1].getFloat(),
        g.ganB().getFloat(),
        g.cycleB().getFloat(),
        g.idtB().getFloat());
  }

  /**
   * The first half of a step: forward both cycles, backward the generators' loss with both
   * discriminators frozen, and update the generators.
   */
  public GeneratorStep generatorStep(NDManager step, NDArray realA, NDArray realB, double lr) {
    float lambdaCycle = (float) config.lambdaCycle();
    float lambdaIdt = (float) (config.lambdaCycle() * config.lambdaIdentity());
    GeneratorStep result;
    discriminatorA.setTrainable(false);
    discriminatorB.setTrainable(false);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray fakeB = generatorA.forward(realA);
      NDArray recA = generatorB.forward(fakeB);
      NDArray fakeA = generatorB.forward(realB);
      NDArray recB = generatorA.forward(fakeA);
      NDArray idtA;
      NDArray idtB;
      if (lambdaIdt > 0) {
        // The reference skips these forwards when the identity weight is 0.
        idtA = GanLosses.scaled(GanLosses.l1(generatorA.forward(realB), realB), lambdaIdt);
        idtB = GanLosses.scaled(GanLosses.l1(generatorB.forward(realA), realA), lambdaIdt);
      } else {
        idtA = step.zeros(new Shape());
        idtB = step.zeros(new Shape());
      }
      NDArray ganA = GanLosses.adversarial(config.ganMode(), discriminatorA.forward(fakeB), true);
      NDArray ganB = GanLosses.adversarial(config.ganMode(), discriminatorB.forward(fakeA), true);
      NDArray cycleA = GanLosses.scaled(GanLosses.l1(recA, realA), lambdaCycle);
      NDArray cycleB = GanLosses.scaled(GanLosses.l1(recB, realB), lambdaCycle);
      result = new GeneratorStep(fakeA, fakeB, ganA, ganB, cycleA, cycleB, idtA, idtB);
      collector.backward(result.total());
    } finally {
      discriminatorA.setTrainable(true);
      discriminatorB.setTrainable(true);
    }
    optimizerG.step(generatorParameters(), lr);
    return result;
  }

  /**
   * The second half of a step: both discriminators on real images and on pooled, detached fakes,
   * then their update. Returns {D_A loss, D_B loss}.
   */
  public NDArray[] discriminatorStep(
      NDManager step, NDArray realA, NDArray realB, GeneratorStep g, double lr) {
    NDArray lossA;
    NDArray lossB;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray pooledB = poolB.query(g.fakeB(), poolRandom, step);
      lossA =
          GanLosses.discriminator(
              config.ganMode(), discriminatorA.forward(realB), discriminatorA.forward(pooledB));
      NDArray pooledA = poolA.query(g.fakeA(), poolRandom, step);
      lossB =
          GanLosses.discriminator(
              config.ganMode(), discriminatorB.forward(realA), discriminatorB.forward(pooledA));
      collector.backward(lossA.add(lossB));
    }
    optimizerD.step(discriminatorParameters(), lr);
    return new NDArray[] {lossA, lossB};
  }

  /**
   * What the generator half of a step leaves for the discriminator half and for reporting.
   *
   * @param fakeA G_B(real B)
   * @param fakeB G_A(real A)
   * @param ganA adversarial loss of G_A against D_A
   * @param ganB adversarial loss of G_B against D_B
   * @param cycleA weighted cycle loss of A
   * @param cycleB weighted cycle loss of B
   * @param idtA weighted identity loss of G_A
   * @param idtB weighted identity loss of G_B
   */
  public record GeneratorStep(
      NDArray fakeA,
      NDArray fakeB,
      NDArray ganA,
      NDArray ganB,
      NDArray cycleA,
      NDArray cycleB,
      NDArray idtA,
      NDArray idtB) {

    /** The generators' objective (CycleGAN eq. 3 plus the identity terms). */
    public NDArray total() {
      return ganA.add(ganB).add(cycleA).add(cycleB).add(idtA).add(idtB);
    }
  }

  /** Both generators' parameters, prefixed {@code G_A/} and {@code G_B/}. */
  public Map<String, NDArray> generatorParameters() {
    return prefixed(generatorA, "G_A/", generatorB, "G_B/");
  }

  /** Both discriminators' parameters, prefixed {@code D_A/} and {@code D_B/}. */
  public Map<String, NDArray> discriminatorParameters() {
    return prefixed(discriminatorA, "D_A/", discriminatorB, "D_B/");
  }

  /** Both generators' buffers (batch norm running statistics), prefixed; empty otherwise. */
  public Map<String, NDArray> generatorBuffers() {
    return prefixedBuffers(generatorA, "G_A/", generatorB, "G_B/");
  }

  /** Both discriminators' buffers (batch norm running statistics), prefixed. */
  public Map<String, NDArray> discriminatorBuffers() {
    return prefixedBuffers(discriminatorA, "D_A/", discriminatorB, "D_B/");
  }

  private static Map<String, NDArray> prefixedBuffers(Network a, String pa, Network b, String pb) {
    Map<String, NDArray> m = new LinkedHashMap<>();
    a.buffers().forEach((k, v) -> m.put(pa + k, v));
    b.buffers().forEach((k, v) -> m.put(pb + k, v));
    return m;
  }

  private static Map<String, NDArray> prefixed(Network a, String pa, Network b, String pb) {
    Map<String, NDArray> m = new LinkedHashMap<>();
    a.parameters().forEach((k, v) -> m.put(pa + k, v));
    b.parameters().forEach((k, v) -> m.put(pb + k, v));
    return m;
  }

  /** The networks' architecture. */
  public NetworkSpec spec() {
    return spec;
  }

  public CycleGanConfig config() {
    return config;
  }

  public NDManager manager() {
    return manager;
  }

  public Network generatorA() {
    return generatorA;
  }

  public Network generatorB() {
    return generatorB;
  }

  public Network discriminatorA() {
    return discriminatorA;
  }

  public Network discriminatorB() {
    return discriminatorB;
  }

  public NamedAdam optimizerG() {
    return optimizerG;
  }

  public NamedAdam optimizerD() {
    return optimizerD;
  }

  public ImagePool poolA() {
    return poolA;
  }

  public ImagePool poolB() {
    return poolB;
  }

  /** The state of the pools' random stream. */
  public long poolRandomState() {
    return poolRandom.state();
  }

  /** Restores the pools' random stream (from a checkpoint). */
  public void restorePoolRandomState(long state) {
    poolRandom = new SplitMix64(state);
  }

  @Override
  public void close() {
    manager.close();
  }
}
