package io.cyclegan.model.data;

import java.awt.image.BufferedImage;

/**
 * The size steps of each {@link Preprocess}, for training (square crops of {@code imageSize}, so
 * that batches and image pools have one shape) and for translation (deterministic, no flips, as the
 * official test script runs with {@code no_flip}).
 *
 * @param preprocess the choice
 * @param loadSize the official {@code load_size}
 * @param imageSize the official {@code crop_size}
 */
public record Sizing(Preprocess preprocess, int loadSize, int imageSize) {

  /**
   * The image before the training crop: resized as the preprocess says; every choice is then
   * cropped to an {@code imageSize} square (for {@code scale_width} and {@code none} too, which the
   * official code feeds whole: our batches need one shape).
   */
  public BufferedImage beforeTrainingCrop(BufferedImage image) {
    return switch (preprocess) {
      case RESIZE_AND_CROP -> resized(image, loadSize, loadSize);
      case CROP, NONE -> atLeastCrop(image);
      case SCALE_WIDTH, SCALE_WIDTH_AND_CROP -> scaleWidth(image);
    };
  }

  /**
   * The image a model translates, as the official test transform makes it, except that crops are
   * centred instead of random (so a translation is reproducible) and {@code none} keeps the size
   * (the translator pads to a multiple of 4 and crops back, where the official code resizes).
   */
  public BufferedImage forTranslation(BufferedImage image) {
    return switch (preprocess) {
      case RESIZE_AND_CROP -> centreCrop(resized(image, loadSize, loadSize));
      case CROP -> centreCrop(atLeastCrop(image));
      case SCALE_WIDTH -> scaleWidth(image);
      case SCALE_WIDTH_AND_CROP -> centreCrop(scaleWidth(image));
      case NONE -> image;
    };
  }

  /** The official {@code __scale_width}: width {@code loadSize}, height kept >= imageSize. */
  BufferedImage scaleWidth(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int height = (int) Math.max((long) loadSize * h / w, imageSize);
    return resized(image, loadSize, height);
  }

  /** Scales up (bicubic, keeping the aspect ratio) an image with a side under imageSize. */
  BufferedImage atLeastCrop(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int shorter = Math.min(w, h);
    if (shorter >= imageSize) {
      return image;
    }
    double scale = imageSize / (double) shorter;
    return resized(
        image,
        Math.max(imageSize, (int) Math.round(w * scale)),
        Math.max(imageSize, (int) Math.round(h * scale)));
  }

  private BufferedImage centreCrop(BufferedImage image) {
    int x = (image.getWidth() - imageSize) / 2;
    int y = (image.getHeight() - imageSize) / 2;
    BufferedImage out = new BufferedImage(imageSize, imageSize, BufferedImage.TYPE_INT_RGB);
    out.getGraphics().drawImage(image.getSubimage(x, y, imageSize, imageSize), 0, 0, null);
    return out;
  }

  private static BufferedImage resized(BufferedImage image, int w, int h) {
    return image.getWidth() == w
            && image.getHeight() == h
            && image.getType() == BufferedImage.TYPE_INT_RGB
        ? image
        : ImageTensors.resizeBicubic(image, w, h);
  }
}
