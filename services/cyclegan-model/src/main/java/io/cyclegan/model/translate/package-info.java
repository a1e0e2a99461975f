/** Inference: translating tensors or images of any size with a trained generator. */
package io.cyclegan.model.translate;
