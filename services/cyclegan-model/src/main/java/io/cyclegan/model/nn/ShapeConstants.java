package io.cyclegan.model.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Arrays that depend only on an input's spatial size, data type and device (the affine-free norm's
 * ones and zeros, reflection-padding indices), made once and shared by every network, forward and
 * thread. They never require gradients and are never written.
 *
 * <p>Bounded: training sees a handful of sizes, but inference takes images of any size, so after
 * {@link #MAX_ENTRIES} shapes new ones are made per call in the caller's manager instead of kept.
 */
final class ShapeConstants {

  static final int MAX_ENTRIES = 512;

  private static final Map<List<Object>, NDArray> CACHE = new ConcurrentHashMap<>();
  private static final Map<Device, NDManager> MANAGERS = new ConcurrentHashMap<>();

  private ShapeConstants() {}

  /**
   * The constant {@code kind} for an (h, w) input like {@code like}, made by {@code make} in the
   * manager it is given when not cached yet.
   */
  static NDArray get(
      NDArray like,
      String kind,
      long h,
      long w,
      Function<NDManager, NDArray> make,
      DataType dataType) {
    Device device = like.getDevice();
    List<Object> key = List.of(kind, h, w, dataType, device);
    NDArray cached = CACHE.get(key);
    if (cached != null) {
      return cached;
    }
    if (CACHE.size() >= MAX_ENTRIES) {
      return GradMode.withoutGradients(() -> make.apply(like.getManager()));
    }
    return CACHE.computeIfAbsent(
        key,
        k ->
            GradMode.withoutGradients(
                () ->
                    make.apply(
                        MANAGERS.computeIfAbsent(
                            device,
                            d -> {
                              NDManager m = NDManager.newBaseManager(d);
                              m.setName("shape-constants");
                              return m;
                            }))));
  }

  /** The number of cached constants (for tests). */
  static int size() {
    return CACHE.size();
  }
}
