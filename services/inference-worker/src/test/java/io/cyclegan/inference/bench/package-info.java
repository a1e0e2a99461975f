/** The pipeline benchmark: throughput and latency against the bare generator. */
package io.cyclegan.inference.bench;
