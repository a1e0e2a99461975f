package io.cyclegan.model.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The images of one domain, by index. Implementations must allow {@link #load} from a background
 * thread (the prefetcher calls it there).
 */
public interface ImageSource {

  /** The number of images; at least 1 for training. */
  int size();

  /** Decodes image {@code index}; any colour model (it is converted to RGB later). */
  BufferedImage load(int index) throws IOException;

  /** Image files, decoded with ImageIO on each use, as the reference reads from disk. */
  static ImageSource ofFiles(List<Path> files) {
    List<Path> copy = List.copyOf(files);
    return new ImageSource() {
      @Override
      public int size() {
        return copy.size();
      }

      @Override
      public BufferedImage load(int index) throws IOException {
        Path file = copy.get(index);
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
          throw new IOException("not a readable image: " + file);
        }
        return image;
      }
    };
  }

  /** The PNG, JPEG, BMP and GIF files directly in {@code dir}, sorted by name. */
  static ImageSource ofDirectory(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files =
          s.filter(Files::isRegularFile)
              .filter(
                  p ->
                      p.getFileName()
                          .toString()
                          .toLowerCase(Locale.ROOT)
                          .matches(".*\\.(png|jpe?g|bmp|gif)"))
              .sorted()
              .toList();
      return ofFiles(files);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list images in " + dir, e);
    }
  }

  /** Images already in memory. */
  static ImageSource ofImages(List<BufferedImage> images) {
    List<BufferedImage> copy = List.copyOf(images);
    return new ImageSource() {
      @Override
      public int size() {
        return copy.size();
      }

      @Override
      public BufferedImage load(int index) {
        return copy.get(index);
      }
    };
  }
}
