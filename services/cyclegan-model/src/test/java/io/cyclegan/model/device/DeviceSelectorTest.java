package io.cyclegan.model.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DeviceSelectorTest {

  @Test
  void shouldPreferGpuWhenAutoAndOneIsVisible() {
    assertThat(DeviceSelector.select("auto", 2)).isEqualTo(Device.gpu(0));
    assertThat(DeviceSelector.select("auto", 0)).isEqualTo(Device.cpu());
    assertThat(DeviceSelector.select("cpu", 2)).isEqualTo(Device.cpu());
    assertThat(DeviceSelector.select("gpu:1", 2)).isEqualTo(Device.gpu(1));
  }

  @Test
  void shouldFailClearlyWhenGpuRequestedAndNoneUsable() {
    assertThatThrownBy(() -> DeviceSelector.select("gpu", 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no GPU is usable");
    assertThatThrownBy(() -> DeviceSelector.select("gpu:3", 2))
        .hasMessageContaining("only 2 GPU(s) are visible");
  }

  @Test
  void shouldSelectCpuOnThisMachineWhenAuto() {
    // The build machines have no usable GPU; the real engine must agree with the rule above.
    Device d = DeviceSelector.select("auto");
    assertThat(d.isGpu() || d.equals(Device.cpu())).isTrue();
  }
}
