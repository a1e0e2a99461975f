package io.cyclegan.common.image;

import java.util.Locale;
import java.util.Optional;

/** Image formats told apart by their magic bytes; only PNG and JPEG are decoded. */
public enum ImageFormat {
  PNG(true),
  JPEG(true),
  GIF(false),
  WEBP(false),
  BMP(false),
  TIFF(false);

  private final boolean supported;

  ImageFormat(boolean supported) {
    this.supported = supported;
  }

  public boolean supported() {
    return supported;
  }

  /** The format the bytes really are, from their signature. */
  public static Optional<ImageFormat> sniff(byte[] b) {
    if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Optional.of(PNG);
    }
    if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
      return Optional.of(JPEG);
    }
    if (startsWith(b, 'G', 'I', 'F', '8')) {
      return Optional.of(GIF);
    }
    if (b.length >= 12
        && startsWith(b, 'R', 'I', 'F', 'F')
        && b[8] == 'W'
        && b[9] == 'E'
        && b[10] == 'B'
        && b[11] == 'P') {
      return Optional.of(WEBP);
    }
    if (startsWith(b, 'B', 'M')) {
      return Optional.of(BMP);
    }
    if (startsWith(b, 'I', 'I', 0x2A, 0x00) || startsWith(b, 'M', 'M', 0x00, 0x2A)) {
      return Optional.of(TIFF);
    }
    return Optional.empty();
  }

  /**
   * The format a caller declared, from a media type ({@code image/png}), a file name ({@code
   * x.jpg}) or a bare name ({@code jpeg}); empty when the declaration names no image format.
   */
  public static Optional<ImageFormat> fromDeclared(String declared) {
    if (declared == null || declared.isBlank()) {
      return Optional.empty();
    }
    String d = declared.trim().toLowerCase(Locale.ROOT);
    int dot = d.lastIndexOf('.');
    String token = d.startsWith("image/") ? d.substring(6) : dot >= 0 ? d.substring(dot + 1) : d;
    return switch (token) {
      case "png" -> Optional.of(PNG);
      case "jpg", "jpeg", "jpe", "pjpeg" -> Optional.of(JPEG);
      case "gif" -> Optional.of(GIF);
      case "webp" -> Optional.of(WEBP);
      case "bmp" -> Optional.of(BMP);
      case "tif", "tiff" -> Optional.of(TIFF);
      default -> Optional.empty();
    };
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
