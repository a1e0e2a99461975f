package io.cyclegan.model.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The eight losses the reference prints, read from the device after a step.
 *
 * @param dA discriminator A (judges domain B), halved
 * @param gA adversarial loss of generator A (A to B)
 * @param cycleA ||G_B(G_A(a)) - a||_1 x lambdaCycle
 * @param idtA ||G_A(b) - b||_1 x lambdaCycle x lambdaIdentity
 * @param dB discriminator B (judges domain A), halved
 * @param gB adversarial loss of generator B (B to A)
 * @param cycleB ||G_A(G_B(b)) - b||_1 x lambdaCycle
 * @param idtB ||G_B(a) - a||_1 x lambdaCycle x lambdaIdentity
 */
public record LossValues(
    float dA, float gA, float cycleA, float idtA, float dB, float gB, float cycleB, float idtB) {

  /** The losses under the reference names (D_A, G_A, cycle_A, idt_A, D_B, G_B, cycle_B, idt_B). */
  public Map<String, Float> toMap() {
    Map<String, Float> m = new LinkedHashMap<>();
    m.put("D_A", dA);
    m.put("G_A", gA);
    m.put("cycle_A", cycleA);
    m.put("idt_A", idtA);
    m.put("D_B", dB);
    m.put("G_B", gB);
    m.put("cycle_B", cycleB);
    m.put("idt_B", idtB);
    return m;
  }

  /** Whether every loss is a finite number (not NaN, not infinite). */
  public boolean allFinite() {
    for (float v : toArray()) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /** The values in {@link #toMap()} order. */
  public float[] toArray() {
    return new float[] {dA, gA, cycleA, idtA, dB, gB, cycleB, idtB};
  }
}
