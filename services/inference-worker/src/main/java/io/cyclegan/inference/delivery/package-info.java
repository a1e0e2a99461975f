/** At-least-once delivery: the request consumer, its offset bookkeeping and backpressure. */
package io.cyclegan.inference.delivery;
