package io.cyclegan.model.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A live float32 array written to an archive straight from libtorch's memory, through a small
 * buffer: saving a checkpoint no longer copies every parameter, moment and pooled image to the Java
 * heap first (three times the model's size for a training checkpoint). An accelerator's array is
 * copied to host memory one tensor at a time.
 *
 * @param array a contiguous float32 array, which must not change while it is written
 */
public record NativeTensor(NDArray array) implements ArchiveTensor {

  private static final int CHUNK_BYTES = 1 << 16;

  /** Checks the data type. */
  public NativeTensor {
    if (array.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException("only float32 is stored, got " + array.getDataType());
    }
  }

  @Override
  public long[] shape() {
    return array.getShape().getShape();
  }

  @Override
  public void writeValues(DataOutputStream out) throws IOException {
    boolean onHost = array.getDevice().equals(Device.cpu());
    NDArray host = onHost ? array : array.toDevice(Device.cpu(), true);
    try {
      // A direct buffer over the tensor's own memory (valid while the array lives).
      ByteBuffer values = host.toByteBuffer(true).order(ByteOrder.nativeOrder());
      byte[] chunk = new byte[CHUNK_BYTES];
      if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
        while (values.hasRemaining()) {
          int n = Math.min(values.remaining(), chunk.length);
          values.get(chunk, 0, n);
          out.write(chunk, 0, n);
        }
      } else {
        FloatBuffer floats = values.asFloatBuffer();
        ByteBuffer little = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        while (floats.hasRemaining()) {
          little.clear();
          while (floats.hasRemaining() && little.remaining() >= Float.BYTES) {
            little.putFloat(floats.get());
          }
          out.write(chunk, 0, little.position());
        }
      }
    } finally {
      if (host != array) {
        host.close();
      }
    }
  }
}
