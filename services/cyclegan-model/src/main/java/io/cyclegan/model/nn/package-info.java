/**
 * The reference networks (ResNet and U-Net generators, n-layer PatchGAN and pixel discriminators,
 * with instance, batch or no norm) as plain tensor functions over named parameters, chosen by a
 * {@code NetworkSpec}, with the layers the PyTorch engine lacks.
 */
package io.cyclegan.model.nn;
