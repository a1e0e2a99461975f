package io.cyclegan.inference.models;

/** One version of one model: what the cache holds and a batch runs. */
public record ModelRef(String model, String version) {
  @Override
  public String toString() {
    return model + "/" + version;
  }
}
