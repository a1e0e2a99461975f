/** The training throughput benchmark behind scripts/bench-train.sh. */
package io.cyclegan.model.bench;
