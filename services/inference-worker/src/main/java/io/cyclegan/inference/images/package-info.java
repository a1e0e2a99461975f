/** Pixels in and out: decoding, scaling down, padding to the generator's grid, cropping, PNG. */
package io.cyclegan.inference.images;
