/**
 * The CycleGAN training loop: losses, update order, image pools, learning-rate schedule and an Adam
 * whose state is keyed by parameter name.
 */
package io.cyclegan.model.train;
