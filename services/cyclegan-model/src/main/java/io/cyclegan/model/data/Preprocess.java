package io.cyclegan.model.data;

import io.cyclegan.model.Choice;

/** How images are sized for the networks ({@code preprocess} of the official base dataset). */
public enum Preprocess implements Choice {
  /** Bicubic resize to a loadSize square, then an imageSize crop. */
  RESIZE_AND_CROP,
  /** An imageSize crop of the image as it is. */
  CROP,
  /** Bicubic resize to loadSize wide, keeping the aspect ratio (at least imageSize high). */
  SCALE_WIDTH,
  /** {@link #SCALE_WIDTH}, then an imageSize crop. */
  SCALE_WIDTH_AND_CROP,
  /** The image as it is (sides made multiples of 4). */
  NONE;

  @Override
  public String wireName() {
    return Choice.wireNameOf(this);
  }
}
