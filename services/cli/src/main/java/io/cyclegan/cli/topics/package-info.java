/**
 * Reading topics without a consumer group: assigned partitions, explicit offsets, bounded ranges.
 */
package io.cyclegan.cli.topics;
