package io.cyclegan.common.store;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing ({@link ObjectStore#listPage(String, boolean, String, int)}): at most the
 * page size of entries in key order, and where the next page starts.
 *
 * @param objects the objects of the page (a recursive listing), or empty for a delimited one
 * @param prefixes the immediate sub-folder names of the page (a delimited listing), or empty
 * @param next the key to list after for the next page; empty on the last page
 */
public record KeyPage(List<ObjectInfo> objects, List<String> prefixes, Optional<String> next) {
  public KeyPage {
    objects = List.copyOf(objects);
    prefixes = List.copyOf(prefixes);
  }
}
