/**
 * The public message contract: records for every topic, their JSON codec, headers and topic names.
 */
package io.cyclegan.common.messages;
