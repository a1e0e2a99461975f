package io.cyclegan.model.checkpoint;

import java.io.DataOutputStream;
import java.io.IOException;

/** A float32 tensor that {@link TensorArchive#write} can store: its shape and its values. */
public sealed interface ArchiveTensor permits HostTensor, NativeTensor {

  /** The dimensions. */
  long[] shape();

  /** Writes the values, row-major, float32 little-endian. */
  void writeValues(DataOutputStream out) throws IOException;
}
