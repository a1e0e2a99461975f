package io.cyclegan.model.interop;

import io.cyclegan.model.checkpoint.HostTensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PyTorch {@code state_dict} as read from a file: its float32 tensors in file order, and the
 * names and element types of any others (such as a batch norm's int64 {@code num_batches_tracked}),
 * which the mapping refuses or drops by name.
 *
 * @param tensors the float32 tensors by state_dict key
 * @param otherTensors the element type of every tensor that is not float32, by key
 */
public record StateDict(Map<String, HostTensor> tensors, Map<String, String> otherTensors) {

  /** Keeps the maps' order and makes them unmodifiable. */
  public StateDict {
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    otherTensors = Collections.unmodifiableMap(new LinkedHashMap<>(otherTensors));
  }

  /** A state_dict of float32 tensors only. */
  public static StateDict of(Map<String, HostTensor> tensors) {
    return new StateDict(tensors, Map.of());
  }
}
