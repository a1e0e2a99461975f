package io.cyclegan.common.store;

/**
 * What {@link ObjectStore#getAtMost} read: the object's bytes, or, for an object larger than the
 * limit, no bytes and its size ({@code -1} when the server did not say it and only the limit was
 * found exceeded).
 */
public record BoundedBytes(byte[] bytes, long size) {

  static BoundedBytes of(byte[] bytes) {
    return new BoundedBytes(bytes, bytes.length);
  }

  static BoundedBytes tooLarge(long size) {
    return new BoundedBytes(null, size);
  }

  /** True when the object was larger than the limit and was not read. */
  public boolean tooLarge() {
    return bytes == null;
  }
}
