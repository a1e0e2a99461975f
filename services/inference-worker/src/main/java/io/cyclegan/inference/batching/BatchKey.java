package io.cyclegan.inference.batching;

import io.cyclegan.model.translate.PaddingGrid;

/**
 * What requests must share to run in one forward pass: the same generator (model, resolved version,
 * direction) and the same padded size, since a batch is one (N, 3, H, W) tensor.
 *
 * <p>The size bucket is the input's size rounded up to the generator's grid ({@link PaddingGrid}),
 * not a coarser bucket: instance normalisation takes its statistics over the whole padded image, so
 * padding further than the translator would changes the output. Images of 62x62 and 64x64 share the
 * 64x64 bucket; 60x64 does not.
 */
public record BatchKey(
    String model, String version, String direction, int paddedWidth, int paddedHeight) {

  /** The bucket of an image of {@code width} x {@code height}. */
  public static BatchKey of(String model, String version, String direction, int width, int height) {
    return new BatchKey(
        model, version, direction, PaddingGrid.roundUp(width), PaddingGrid.roundUp(height));
  }

  @Override
  public String toString() {
    return model + "/" + version + " " + direction + " " + paddedWidth + "x" + paddedHeight;
  }
}
