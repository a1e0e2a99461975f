package io.cyclegan.inference.models;

import ai.djl.Device;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads {@code models/{m}/{v}/generators.bin} (the training worker's export) onto the device. */
public final class StoreModelLoader implements ModelCache.Loader {
  private static final Logger log = LoggerFactory.getLogger(StoreModelLoader.class);

  private final ObjectStore store;
  private final Device device;
  private final Timer loadTime;

  public StoreModelLoader(ObjectStore store, Device device, MeterRegistry registry) {
    this.store = store;
    this.device = device;
    this.loadTime =
        Timer.builder("cyclegan.inference.model.load")
            .description("time to fetch and load one model version's generators")
            .publishPercentileHistogram()
            .register(registry);
  }

  @Override
  public CycleGanTranslator load(ModelRef ref) {
    return load(ref, null);
  }

  /** Store faults wait until {@code deadline} and then surface as they are (transient). */
  @Override
  public CycleGanTranslator load(ModelRef ref, Instant deadline) {
    String key = ObjectKeys.modelGenerators(ref.model(), ref.version());
    long start = System.nanoTime();
    byte[] bytes =
        (deadline == null ? store : store.withDeadline(deadline))
            .get(key)
            .orElseThrow(
                () ->
                    new UnknownModelException(
                        "unknown version '"
                            + ref.version()
                            + "' of model '"
                            + ref.model()
                            + "': no "
                            + key
                            + " in bucket "
                            + store.bucket()));
    try {
      CycleGanTranslator t = CycleGanTranslator.load(new ByteArrayInputStream(bytes), device);
      long nanos = System.nanoTime() - start;
      loadTime.record(nanos, TimeUnit.NANOSECONDS);
      log.info(
          "model {} loaded on {} in {} ms ({} blocks, ngf {})",
          ref,
          device,
          TimeUnit.NANOSECONDS.toMillis(nanos),
          t.architecture().generatorBlocks(),
          t.architecture().ngf());
      return t;
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException(
          "cannot load model " + ref + " from " + key + ": " + e.getMessage(), e);
    }
  }
}
