/**
 * PyTorch interoperability: strict readers of {@code torch.save} state_dicts (zip and legacy) and
 * safetensors, writers of both, and the mapping between the official CycleGAN state_dicts and our
 * generator and discriminator parameters.
 */
package io.cyclegan.model.interop;
