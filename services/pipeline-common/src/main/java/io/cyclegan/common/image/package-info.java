/** Validation of untrusted image bytes: real format, size and pixel limits, decode, re-encode. */
package io.cyclegan.common.image;
