/**
 * The CycleGAN model in DJL: configuration at the root, the networks, training, checkpoints and
 * translation below; it knows nothing of Kafka or object stores.
 */
package io.cyclegan.model;
