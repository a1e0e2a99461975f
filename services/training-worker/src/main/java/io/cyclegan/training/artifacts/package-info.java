/** What a job writes under the model's prefix: checkpoints, the generators export, the pointer. */
package io.cyclegan.training.artifacts;
