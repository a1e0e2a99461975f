/**
 * How a translation's answer reaches its caller: the result document, then the result on the reply
 * topic or the results topic. One policy for ingest and the inference worker.
 */
package io.cyclegan.common.delivery;
