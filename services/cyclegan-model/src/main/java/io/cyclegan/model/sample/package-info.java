/** Rendering of the per-epoch sample grid (real, fake, reconstructed for both domains). */
package io.cyclegan.model.sample;
