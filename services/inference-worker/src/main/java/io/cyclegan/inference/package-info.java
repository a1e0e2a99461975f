/** The inference worker: translates claim-checked images in dynamic micro-batches. */
package io.cyclegan.inference;
