package io.cyclegan.cli.listing;

import io.cyclegan.common.store.Names;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a listing's cursor is (the name of the item a page ended on) and how a value given with
 * {@code --after} is checked before it reaches the store or the API.
 *
 * @param what what the cursor names, for the error message ("a job id")
 * @param valid accepts the cursors the listing can give out
 */
public record Cursor(String what, Predicate<String> valid) {
  private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

  /** A dataset, model or job name ({@code [a-z0-9][a-z0-9._-]{0,62}}). */
  public static Cursor name(String what) {
    return new Cursor(what, Names::isValid);
  }

  /** A file name inside one folder, such as an image's {@code <sha256>.png}: no path. */
  public static Cursor fileName(String what) {
    return new Cursor(what, f -> FILE.matcher(f).matches());
  }
}
