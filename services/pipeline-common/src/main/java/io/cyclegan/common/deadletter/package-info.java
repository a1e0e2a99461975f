/**
 * Reading a dead-letter topic a page at a time and replaying its records onto their source topic:
 * the one reader and replay that the HTTP API and the CLI share.
 */
package io.cyclegan.common.deadletter;
