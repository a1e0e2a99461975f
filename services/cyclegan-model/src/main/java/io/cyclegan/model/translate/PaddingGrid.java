package io.cyclegan.model.translate;

/**
 * The one rule for the sizes the generator runs at: its two stride-2 downsamplings and two
 * upsamplings give back the input's size only for edges that are multiples of {@link #MULTIPLE}, so
 * an image is reflection-padded on the right and bottom up to the next multiple and cropped back
 * after. The translator, the inference worker's image preparation and its batch buckets all use it,
 * so a request's padded size, its batch and the tensor it is translated in always agree.
 */
public final class PaddingGrid {

  /** The multiple every padded edge is rounded up to. */
  public static final int MULTIPLE = 4;

  private PaddingGrid() {}

  /** {@code edge} rounded up to the grid. */
  public static int roundUp(int edge) {
    if (edge < 0) {
      throw new IllegalArgumentException("an edge cannot be negative, was " + edge);
    }
    return (edge + MULTIPLE - 1) / MULTIPLE * MULTIPLE;
  }
}
