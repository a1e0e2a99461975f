/**
 * The training fleet's public queue snapshot ({@code training/queue.json}): the record the workers
 * write and the one validating reader that the HTTP API and the CLI share.
 */
package io.cyclegan.common.queue;
