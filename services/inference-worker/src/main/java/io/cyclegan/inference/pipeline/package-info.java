/** The stages a request passes through: prepare, infer, publish. */
package io.cyclegan.inference.pipeline;
