package io.cyclegan.model.train;

import io.cyclegan.model.Choice;

/** The adversarial loss ({@code gan_mode} of the official {@code networks.GANLoss}). */
public enum GanMode implements Choice {
  /** Least-squares GAN: MSE against 1 (real) and 0 (fake). */
  LSGAN,
  /** The original GAN: binary cross-entropy on the discriminator's logits. */
  VANILLA,
  /** Wasserstein GAN with gradient penalty; refused here (see {@link #WGANGP_REFUSAL}). */
  WGANGP;

  /**
   * Why {@code wgangp} is refused: its gradient penalty differentiates a gradient, and DJL 0.36
   * cannot ask for that (evidence in docs/training-parameters.md).
   */
  public static final String WGANGP_REFUSAL =
      "ganMode wgangp is not supported: its gradient penalty needs the gradient of a gradient,"
          + " which DJL 0.36's GradientCollector cannot request (it always passes"
          + " create_graph=false and has no torch.autograd.grad); use lsgan or vanilla";

  @Override
  public String refusal() {
    return this == WGANGP ? WGANGP_REFUSAL : null;
  }

  @Override
  public String wireName() {
    return Choice.wireNameOf(this);
  }
}
