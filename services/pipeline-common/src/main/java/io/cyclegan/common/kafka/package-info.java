/** Kafka producers, consumers and admin clients configured the one way the pipeline needs them. */
package io.cyclegan.common.kafka;
