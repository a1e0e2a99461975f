package io.cyclegan.common.image;

import io.cyclegan.common.image.ImageRejectedException.Reason;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The checks every untrusted image goes through, cheapest first: byte size, real format from the
 * magic bytes, declared against real format, pixel count from the header (so a 50000x50000 PNG of a
 * few KB is refused before anything is allocated), a full decode that treats the decoder's warnings
 * (a truncated JPEG decodes "successfully" with a warning) as errors, conversion to RGB and
 * re-encoding as PNG, which drops all metadata. Thread-safe.
 */
public final class ImageValidator {
  private final long maxBytes;
  private final long maxPixels;

  public ImageValidator(long maxBytes, long maxPixels) {
    if (maxBytes <= 0 || maxPixels <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    this.maxBytes = maxBytes;
    this.maxPixels = maxPixels;
  }

  /**
   * Validates and normalises {@code bytes}.
   *
   * @param declared what the sender said it is (a media type, a file name or a format name), or
   *     {@code null}
   * @throws ImageRejectedException with the reason of the first failed check
   */
  public ValidatedImage validate(byte[] bytes, String declared) {
    if (bytes == null || bytes.length == 0) {
      throw new ImageRejectedException(Reason.EMPTY, "empty: the record has no image bytes");
    }
    if (bytes.length > maxBytes) {
      throw new ImageRejectedException(
          Reason.TOO_LARGE,
          "too large: " + bytes.length + " bytes, the limit is " + maxBytes + " bytes");
    }
    Optional<ImageFormat> sniffed = ImageFormat.sniff(bytes);
    if (sniffed.isEmpty()) {
      String as = declared == null ? "" : " (declared as " + declared + ")";
      if (looksLikeText(bytes)) {
        throw new ImageRejectedException(
            Reason.TEXT_NOT_IMAGE, "not an image: the content is text" + as);
      }
      throw new ImageRejectedException(
          Reason.UNKNOWN_FORMAT,
          "not an image: no PNG or JPEG signature, first bytes " + firstBytes(bytes) + as);
    }
    ImageFormat format = sniffed.get();
    if (!format.supported()) {
      throw new ImageRejectedException(
          Reason.UNSUPPORTED_FORMAT,
          "unsupported format " + format + ": only PNG and JPEG are accepted");
    }
    Optional<ImageFormat> declaredFormat = ImageFormat.fromDeclared(declared);
    if (declaredFormat.isPresent() && declaredFormat.get() != format) {
      throw new ImageRejectedException(
          Reason.FORMAT_MISMATCH,
          "format mismatch: declared "
              + declaredFormat.get()
              + " ("
              + declared
              + ") but the"
              + " content is "
              + format);
    }
    BufferedImage decoded = decode(bytes, format);
    BufferedImage rgb = toRgb(decoded);
    byte[] png = encodePng(rgb);
    return new ValidatedImage(format, rgb.getWidth(), rgb.getHeight(), png, sha256(png));
  }

  /** What {@link #decodedBytes} counts per pixel: one {@code int} of a decoded RGB raster. */
  public static final int DECODED_BYTES_PER_PIXEL = 4;

  /**
   * The bytes {@link #validate} would hold as decoded pixels for {@code bytes}, from the header
   * alone (width x height x {@value #DECODED_BYTES_PER_PIXEL}); nothing is decoded. 0 for bytes it
   * refuses before decoding (empty, too large, not a supported image, no readable header, too many
   * pixels): they never reach a decoder. Lets a caller bound what a batch decodes at once.
   */
  public long decodedBytes(byte[] bytes) {
    if (bytes == null || bytes.length == 0 || bytes.length > maxBytes) {
      return 0;
    }
    Optional<ImageFormat> format = ImageFormat.sniff(bytes);
    if (format.isEmpty() || !format.get().supported()) {
      return 0;
    }
    try (ImageInputStream in = new ByteArrayImageInputStream(bytes)) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return 0;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width <= 0 || height <= 0 || width * height > maxPixels) {
          return 0;
        }
        return width * height * DECODED_BYTES_PER_PIXEL;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return 0; // the validator refuses it at the same step, before decoding
    }
  }

  private BufferedImage decode(byte[] bytes, ImageFormat format) {
    // A memory-backed stream: ImageIO's default caches to a temporary file (slower, and it fails
    // in a read-only container).
    try (ImageInputStream in = new ByteArrayImageInputStream(bytes)) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageRejectedException(Reason.CORRUPT, "no decoder accepts this " + format);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true); // seek forward only, ignore metadata
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw new ImageRejectedException(
              Reason.CORRUPT, "corrupt " + format + ": header says " + width + "x" + height);
        }
        if (width * height > maxPixels) {
          throw new ImageRejectedException(
              Reason.TOO_MANY_PIXELS,
              "too many pixels: "
                  + width
                  + "x"
                  + height
                  + " = "
                  + (width * height)
                  + ", the limit is "
                  + maxPixels);
        }
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener(collect(warnings));
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new ImageRejectedException(
              Reason.TRUNCATED, "truncated " + format + ": " + String.join("; ", warnings));
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (ImageRejectedException e) {
      throw e;
    } catch (EOFException e) {
      throw new ImageRejectedException(
          Reason.TRUNCATED, "truncated " + format + ": the data ends before the image does", e);
    } catch (IOException | RuntimeException e) {
      if (isEof(e)) {
        throw new ImageRejectedException(
            Reason.TRUNCATED, "truncated " + format + ": the data ends before the image does", e);
      }
      throw new ImageRejectedException(
          Reason.CORRUPT, "corrupt " + format + ": " + e.getMessage(), e);
    }
  }

  private static IIOReadWarningListener collect(List<String> warnings) {
    return (source, warning) -> warnings.add(warning);
  }

  private static boolean isEof(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EOFException) {
        return true;
      }
      String m = t.getMessage();
      if (m != null && (m.contains("Premature end") || m.contains("Unexpected end"))) {
        return true;
      }
    }
    return false;
  }

  /** Flattens any alpha onto white and any colour model to 8-bit RGB. */
  static BufferedImage toRgb(BufferedImage src) {
    if (src.getType() == BufferedImage.TYPE_INT_RGB) {
      return src;
    }
    BufferedImage rgb =
        new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, src.getWidth(), src.getHeight());
      g.drawImage(src, 0, 0, null);
    } finally {
      g.dispose();
    }
    return rgb;
  }

  /**
   * The deflate level for PNGs nobody hashes: 1, the fastest that still searches for repeated
   * strings (ImageIO's default is 4; docs/benchmarks.md, "The inference worker's own cost"). The
   * pixels are the same at every level, PNG being lossless. {@link #encodeFastPng} uses it for
   * images whose rows repeat, and for the images it leaves to ImageIO.
   */
  public static final int FAST_DEFLATE_LEVEL = 1;

  /**
   * PNG bytes of an image (no metadata is written), encoded in memory with ImageIO's default
   * settings. {@link #validate} uses it: ingest names dataset images by the SHA-256 of these bytes,
   * so they must stay the same from one version to the next.
   */
  public static byte[] encodePng(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(image.getWidth() * image.getHeight());
    try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      if (!ImageIO.write(image, "png", ios)) {
        throw new IllegalStateException("no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * PNG bytes of an image at a deflate level from 0 (stored) to 9 (smallest); the decoded pixels
   * are the same at every level. RGB and 8-bit grayscale images the services made themselves go
   * through {@link PngWriter} (Sub-filtered rows, about half ImageIO's CPU); other images through
   * ImageIO. Not for bytes that are hashed: those come from {@link #encodePng(BufferedImage)}.
   */
  public static byte[] encodePng(BufferedImage image, int deflateLevel) {
    if (deflateLevel < 0 || deflateLevel > 9) {
      throw new IllegalArgumentException("deflate level must be 0 to 9, was " + deflateLevel);
    }
    return PngWriter.write(image, deflateLevel)
        // The JDK's PNG writer takes level = 9 - round(9 * quality).
        .orElseGet(
            () ->
                encode(image, "png", 1f - deflateLevel / 9f, image.getWidth() * image.getHeight()));
  }

  /**
   * PNG bytes, as {@link #encodePng(BufferedImage, int)} writes them, of a {@code width} x {@code
   * height} image of {@code channels} (3: RGB, 1: 8-bit grayscale) whose rows {@code rows} fills.
   */
  public static byte[] encodePng(
      int width, int height, int channels, PngRows rows, int deflateLevel) {
    if (deflateLevel < 0 || deflateLevel > 9) {
      throw new IllegalArgumentException("deflate level must be 0 to 9, was " + deflateLevel);
    }
    requirePositiveSize(width, height);
    return PngWriter.write(width, height, channels, rows, deflateLevel);
  }

  /**
   * PNG bytes of an image for nobody to hash (the inference worker's outputs), written as fast as
   * this class can: RGB and 8-bit grayscale images the services made themselves are deflated with
   * Huffman codes only when their filtered rows hardly repeat (photographs, generator outputs),
   * else at {@link #FAST_DEFLATE_LEVEL} ({@link PngWriter}: 40% less CPU than level 1 on such
   * images, about as many bytes); other images through ImageIO at {@link #FAST_DEFLATE_LEVEL}.
   */
  public static byte[] encodeFastPng(BufferedImage image) {
    return PngWriter.writeFast(image).orElseGet(() -> encodePng(image, FAST_DEFLATE_LEVEL));
  }

  /**
   * PNG bytes, as {@link #encodeFastPng(BufferedImage)} writes them, of a {@code width} x {@code
   * height} image of {@code channels} (3: RGB, 1: 8-bit grayscale) whose rows {@code rows} fills.
   */
  public static byte[] encodeFastPng(int width, int height, int channels, PngRows rows) {
    requirePositiveSize(width, height);
    return PngWriter.writeFast(width, height, channels, rows);
  }

  private static void requirePositiveSize(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, was " + width + "x" + height);
    }
  }

  /** Baseline JPEG bytes of an RGB or grayscale image at {@code quality} (0 to 1). */
  public static byte[] encodeJpeg(BufferedImage image, float quality) {
    if (!(quality >= 0f && quality <= 1f)) {
      throw new IllegalArgumentException("JPEG quality must be 0 to 1, was " + quality);
    }
    return encode(image, "jpeg", quality, image.getWidth() * image.getHeight() / 4);
  }

  /** The image in {@code format}, with the writer's compression quality set explicitly. */
  private static byte[] encode(BufferedImage image, String format, float quality, int size) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
    if (!writers.hasNext()) {
      throw new IllegalStateException("no " + format + " writer");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.setOutput(ios);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean looksLikeText(byte[] b) {
    int n = Math.min(b.length, 512);
    int printable = 0;
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xFF;
      if (c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7F) || c >= 0xC2) {
        printable++;
      }
    }
    return printable >= n * 0.95;
  }

  private static String firstBytes(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(4, b.length); i++) {
      sb.append(String.format("%02x", b[i] & 0xFF));
      if (i < Math.min(4, b.length) - 1) {
        sb.append(' ');
      }
    }
    return sb.toString();
  }
}
