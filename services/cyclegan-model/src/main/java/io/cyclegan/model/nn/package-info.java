/**
 * The ResNet generator and PatchGAN discriminator as plain tensor functions over named parameters,
 * with the layers the PyTorch engine lacks.
 */
package io.cyclegan.model.nn;
