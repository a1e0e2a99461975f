package io.cyclegan.ingest.http;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a zip entry's name allows: an image to import under its base name, a file to skip, or a path
 * that tries to leave the archive ({@code ../../x.png}, {@code /etc/x.png}, {@code C:\x.png}).
 * Entries are never written to a file system, but a name that is unsafe anywhere is refused here
 * too, so the report says so.
 */
sealed interface ZipEntryName {

  /** An image file; {@code baseName} is the name without any folder. */
  record Image(String baseName) implements ZipEntryName {}

  /** Not an image file (a text file, a hidden file, macOS resource forks), left out. */
  record Skip(String why) implements ZipEntryName {}

  /** A path that escapes the archive or hides control characters: refused, never read. */
  record Unsafe(String why) implements ZipEntryName {}

  Set<String> IMAGE_EXTENSIONS =
      Set.of("png", "jpg", "jpeg", "jpe", "gif", "webp", "bmp", "tif", "tiff");

  Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  static ZipEntryName of(String name) {
    if (name.isEmpty()) {
      return new Unsafe("empty entry name");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        return new Unsafe("control character in the entry name");
      }
    }
    if (name.startsWith("/") || name.startsWith("\\") || DRIVE.matcher(name).matches()) {
      return new Unsafe("absolute path");
    }
    String[] segments = name.split("[/\\\\]");
    for (String segment : segments) {
      if ("..".equals(segment)) {
        return new Unsafe("path leaves the archive ('..')");
      }
    }
    String base = segments[segments.length - 1];
    if (base.startsWith(".") || name.startsWith("__MACOSX/")) {
      return new Skip("hidden or system file");
    }
    int dot = base.lastIndexOf('.');
    String ext = dot < 0 ? "" : base.substring(dot + 1).toLowerCase(Locale.ROOT);
    if (!IMAGE_EXTENSIONS.contains(ext)) {
      return new Skip(
          "not an image file name (" + (ext.isEmpty() ? "no extension" : "." + ext) + ")");
    }
    return new Image(base);
  }
}
