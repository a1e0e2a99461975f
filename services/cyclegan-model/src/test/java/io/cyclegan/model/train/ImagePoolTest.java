package io.cyclegan.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cyclegan.model.SplitMix64;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImagePoolTest {

  /** A 1x1x1x1 "image" whose value identifies it. */
  private static NDArray image(NDManager m, float id) {
    return m.create(new float[] {id}, new Shape(1, 1, 1, 1));
  }

  @Test
  void shouldReturnInputAndStoreItWhenNotFull() {
    try (NDManager m = NDManager.newBaseManager();
        ImagePool pool = new ImagePool(m, 3)) {
      SplitMix64 random = new SplitMix64(1);
      for (int i = 1; i <= 3; i++) {
        assertThat(pool.query(image(m, i), random, m).getFloat()).isEqualTo(i);
      }
      assertThat(pool.images()).extracting(NDArray::getFloat).containsExactly(1f, 2f, 3f);
      assertThat(random.state()).as("no draws before full").isEqualTo(new SplitMix64(1).state());
    }
  }

  @Test
  void shouldSwapWithStoredImageWithProbabilityHalfWhenFull() {
    // Replays the reference semantics with the same random stream: draw u; if u > 0.5 return
    // a random stored image and store the new one in its slot, else return the new one.
    try (NDManager m = NDManager.newBaseManager();
        ImagePool pool = new ImagePool(m, 2)) {
      SplitMix64 random = new SplitMix64(42);
      SplitMix64 replay = new SplitMix64(42);
      List<Float> model = new ArrayList<>(List.of(1f, 2f));
      pool.query(image(m, 1), random, m);
      pool.query(image(m, 2), random, m);
      int swaps = 0;
      for (int i = 3; i < 203; i++) {
        float returned = pool.query(image(m, i), random, m).getFloat();
        float expected;
        if (replay.nextDouble() > 0.5) {
          int slot = replay.nextInt(2);
          expected = model.get(slot);
          model.set(slot, (float) i);
          swaps++;
        } else {
          expected = i;
        }
        assertThat(returned).as("query %d", i).isEqualTo(expected);
      }
      assertThat(pool.images()).extracting(NDArray::getFloat).containsExactlyElementsOf(model);
      assertThat(swaps).as("about half of 200").isBetween(70, 130);
    }
  }

  @Test
  void shouldReturnInputUnchangedWhenSizeZero() {
    try (NDManager m = NDManager.newBaseManager();
        ImagePool pool = new ImagePool(m, 0)) {
      SplitMix64 random = new SplitMix64(3);
      NDArray batch = m.create(new float[] {5, 6}, new Shape(2, 1, 1, 1));
      assertThat(pool.query(batch, random, m).toFloatArray()).containsExactly(5, 6);
      assertThat(pool.images()).isEmpty();
      assertThat(random.state()).isEqualTo(new SplitMix64(3).state());
    }
  }

  @Test
  void shouldTreatEachImageOfABatchAlone() {
    try (NDManager m = NDManager.newBaseManager();
        ImagePool pool = new ImagePool(m, 3)) {
      NDArray batch = m.create(new float[] {1, 2}, new Shape(2, 1, 1, 1));
      NDArray out = pool.query(batch, new SplitMix64(0), m);
      assertThat(out.getShape()).isEqualTo(new Shape(2, 1, 1, 1));
      assertThat(pool.images()).hasSize(2);
    }
  }
}
